import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';

/**
 * One in-app notification of one user. Made from an outbox event (event_id; unique per user, so a
 * fan-out that runs twice writes nothing new) or the daily digest (digest_date; one per user and day).
 * Title and body are Russian text for the user; data holds ids only.
 */
@Entity('notifications')
@Check(
  'ck_notifications_kind',
  `"kind" IN ('grade', 'attendance', 'homework', 'schedule', 'reminder', 'message', 'announcement', 'digest', 'security')`,
)
@Check('ck_notifications_source', `("event_id" IS NOT NULL) <> ("digest_date" IS NOT NULL)`)
@Index('uq_notifications_event_user', ['eventId', 'userId'], { unique: true, where: 'event_id IS NOT NULL' })
@Index('uq_notifications_digest_user', ['userId', 'digestDate'], { unique: true, where: 'digest_date IS NOT NULL' })
@Index('ix_notifications_user_id', ['userId', 'id'])
@Index('ix_notifications_user_unread', ['userId', 'id'], { where: 'read_at IS NULL' })
@Index('ix_notifications_user_change', ['userId', 'changeXid', 'id'])
export class Notification {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_notifications_user' })
  user?: User;

  @Column({ type: 'bigint', nullable: true })
  eventId!: string | null;

  @Column({ type: 'date', nullable: true })
  digestDate!: string | null;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  /** Ids the client needs to open the subject (studentId, lessonId, homeworkId, …). */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  data!: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  readAt!: Date | null;

  /** Transaction id of the last write (default on insert, trigger `trg_notifications_change_xid` on update): the `?cursor=` feed's position. */
  @Column({ type: 'bigint', insert: false, update: false, select: false, default: () => 'diary_current_xid()' })
  changeXid!: string;
}
