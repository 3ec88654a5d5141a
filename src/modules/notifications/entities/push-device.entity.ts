import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';

/**
 * A device that receives pushes: a Web Push subscription (endpoint + p256dh/auth keys) or a mobile
 * token (FCM-style). One row per address; the same browser signing in as another user moves the row.
 */
@Entity('push_devices')
@Check('ck_push_devices_kind', `"kind" IN ('web_push', 'mobile')`)
@Check('ck_push_devices_keys', `"kind" <> 'web_push' OR ("p256dh" IS NOT NULL AND "auth" IS NOT NULL)`)
@Index('uq_push_devices_kind_address', ['kind', 'address'], { unique: true })
export class PushDevice {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('ix_push_devices_user_id')
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_push_devices_user' })
  user?: User;

  @Column({ type: 'text' })
  kind!: string;

  /** Web Push endpoint URL or mobile token. */
  @Column({ type: 'text' })
  address!: string;

  @Column({ type: 'text', nullable: true })
  p256dh!: string | null;

  @Column({ type: 'text', nullable: true })
  auth!: string | null;

  /** android | ios | web. */
  @Column({ type: 'text', nullable: true })
  platform!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastSuccessAt!: Date | null;
}
