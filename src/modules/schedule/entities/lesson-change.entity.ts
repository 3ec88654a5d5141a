import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';
import { Lesson } from './lesson.entity';

export type LessonChangeKind = 'cancelled' | 'restored' | 'moved' | 'substituted' | 'room_changed';

/** The change history of the timetable: what changed on a lesson, old → new, who and when. */
@Entity('lesson_changes')
@Check(
  'ck_lesson_changes_kinds',
  `"kinds" <@ ARRAY['cancelled','restored','moved','substituted','room_changed']::text[] AND cardinality("kinds") > 0`,
)
@Index('ix_lesson_changes_lesson_id', ['lessonId', 'id'])
@Index('ix_lesson_changes_class_id', ['classId', 'id'])
@Index('ix_lesson_changes_school_id', ['schoolId', 'id'])
export class LessonChange {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  lessonId!: string;

  @ManyToOne(() => Lesson, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lesson_id', foreignKeyConstraintName: 'fk_lesson_changes_lesson' })
  lesson?: Lesson;

  @Column({ type: 'uuid' })
  schoolId!: string;

  @Column({ type: 'uuid' })
  classId!: string;

  @Column({ type: 'text', array: true })
  kinds!: LessonChangeKind[];

  /** Changed fields before (date, startTime, endTime, room, substituteTeacherId, status). */
  @Column({ type: 'jsonb' })
  before!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  after!: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Index('ix_lesson_changes_changed_by')
  @Column({ type: 'uuid', nullable: true })
  changedBy!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'changed_by', foreignKeyConstraintName: 'fk_lesson_changes_changed_by' })
  changedByUser?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  changedAt!: Date;
}
