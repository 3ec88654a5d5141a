import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Notification } from './notification.entity';
import { PushDevice } from './push-device.entity';

/** One push of one notification to one device: the guard that makes a re-run job send nothing twice. */
@Entity('push_deliveries')
@Check('ck_push_deliveries_status', `"status" IN ('pending', 'sent', 'failed', 'skipped')`)
@Index('uq_push_deliveries_notification_device', ['notificationId', 'deviceId'], { unique: true })
@Index('ix_push_deliveries_pending', ['notificationId'], { where: "status = 'pending'" })
export class PushDelivery {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'bigint' })
  notificationId!: string;

  @ManyToOne(() => Notification, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'notification_id', foreignKeyConstraintName: 'fk_push_deliveries_notification' })
  notification?: Notification;

  @Index('ix_push_deliveries_device_id')
  @Column({ type: 'uuid' })
  deviceId!: string;

  @ManyToOne(() => PushDevice, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'device_id', foreignKeyConstraintName: 'fk_push_deliveries_device' })
  device?: PushDevice;

  @Column({ type: 'text', default: 'pending' })
  status!: string;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
