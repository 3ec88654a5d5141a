import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';

/** A user's notification settings: channel per kind (missing kind = push) and the daily digest option. */
@Entity('notification_preferences')
export class NotificationPreference {
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_notification_preferences_user' })
  user?: User;

  /** kind → 'in_app' | 'push' | 'off'. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  channels!: Record<string, string>;

  /** Pushes are replaced by one daily digest (in-app rows are still made at once). */
  @Column({ type: 'boolean', default: false })
  dailyDigest!: boolean;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
