import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';
import { Announcement } from './announcement.entity';

/** One recipient of an announcement, resolved at send time: when they read, confirmed, were last reminded. */
@Entity('announcement_recipients')
@Check('ck_announcement_recipients_confirmed_read', `"confirmed_at" IS NULL OR "read_at" IS NOT NULL`)
@Index('ix_announcement_recipients_user_id', ['userId', 'createdAt'])
export class AnnouncementRecipient {
  @PrimaryColumn({ type: 'uuid' })
  announcementId!: string;

  @ManyToOne(() => Announcement, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'announcement_id', foreignKeyConstraintName: 'fk_announcement_recipients_announcement' })
  announcement?: Announcement;

  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_announcement_recipients_user' })
  user?: User;

  /** The announcement's send time, copied so "my announcements, newest first" is one index scan. */
  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  readAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastRemindedAt!: Date | null;

  @Column({ type: 'smallint', default: 0 })
  reminderCount!: number;
}
