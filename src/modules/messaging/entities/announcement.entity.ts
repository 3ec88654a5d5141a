import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SchoolClass } from '../../schools/entities/school-class.entity';
import { School } from '../../schools/entities/school.entity';
import { User } from '../../users/entities/user.entity';

export enum AnnouncementAudience {
  School = 'school',
  Class = 'class',
  Role = 'role',
}

export const ANNOUNCEMENT_TITLE_MAX = 200;
export const ANNOUNCEMENT_BODY_MAX = 10000;

/** An announcement to a school, a class or a role; its recipients are fixed at send time. */
@Entity('announcements')
@Check('ck_announcements_audience', `"audience" IN ('school', 'class', 'role')`)
@Check(
  'ck_announcements_audience_role',
  `("audience" = 'role') = ("audience_role" IS NOT NULL) AND ("audience_role" IS NULL OR "audience_role" IN ('student', 'parent', 'teacher', 'class_teacher', 'school_admin'))`,
)
@Check('ck_announcements_class', `"audience" = 'class' OR "class_id" IS NULL`)
@Check('ck_announcements_title_length', `char_length("title") BETWEEN 1 AND ${ANNOUNCEMENT_TITLE_MAX}`)
@Check('ck_announcements_body_length', `char_length("body") BETWEEN 1 AND ${ANNOUNCEMENT_BODY_MAX}`)
@Index('ix_announcements_school_id', ['schoolId', 'createdAt'])
@Index('ix_announcements_sender_id', ['senderId', 'createdAt'])
export class Announcement {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  schoolId!: string;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id', foreignKeyConstraintName: 'fk_announcements_school' })
  school?: School;

  @Column({ type: 'uuid', nullable: true })
  senderId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'sender_id', foreignKeyConstraintName: 'fk_announcements_sender' })
  sender?: User;

  @Column({ type: 'text' })
  audience!: AnnouncementAudience;

  /** The class of a class announcement (null if the class was deleted later). */
  @Index('ix_announcements_class_id')
  @Column({ type: 'uuid', nullable: true })
  classId!: string | null;

  @ManyToOne(() => SchoolClass, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'class_id', foreignKeyConstraintName: 'fk_announcements_class' })
  schoolClass?: SchoolClass;

  @Column({ type: 'text', nullable: true })
  audienceRole!: string | null;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'boolean', default: false })
  requiresConfirmation!: boolean;

  @Column({ type: 'integer' })
  recipientCount!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
