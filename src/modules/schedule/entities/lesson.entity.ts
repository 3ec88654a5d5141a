import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { SchoolClass } from '../../schools/entities/school-class.entity';
import { School } from '../../schools/entities/school.entity';
import { Subject } from '../../schools/entities/subject.entity';
import { User } from '../../users/entities/user.entity';

export type LessonStatus = 'scheduled' | 'cancelled';

/**
 * One lesson of the timetable: a school-local date and times, plus the UTC instants they fall on
 * (computed with the school's time zone when written), so reminders select by instant.
 */
@Entity('lessons')
@Check('ck_lessons_status', `"status" IN ('scheduled', 'cancelled')`)
@Check('ck_lessons_times', `"end_time" > "start_time"`)
@Index('ix_lessons_class_date', ['classId', 'date', 'startTime'])
@Index('ix_lessons_class_subject_date', ['classId', 'subjectId', 'date'])
@Index('ix_lessons_teacher_date', ['teacherId', 'date'])
@Index('ix_lessons_substitute_date', ['substituteTeacherId', 'date'], { where: 'substitute_teacher_id IS NOT NULL' })
@Index('ix_lessons_school_date', ['schoolId', 'date'])
@Index('ix_lessons_starts_at_scheduled', ['startsAt'], { where: `status = 'scheduled'` })
@Index('ix_lessons_class_change', ['classId', 'changeXid', 'id'])
@Index('ix_lessons_teacher_change', ['teacherId', 'changeXid', 'id'])
@Index('ix_lessons_substitute_change', ['substituteTeacherId', 'changeXid', 'id'], { where: '"substitute_teacher_id" IS NOT NULL' })
export class Lesson {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  schoolId!: string;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id', foreignKeyConstraintName: 'fk_lessons_school' })
  school?: School;

  @Column({ type: 'uuid' })
  classId!: string;

  @ManyToOne(() => SchoolClass, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'class_id', foreignKeyConstraintName: 'fk_lessons_class' })
  schoolClass?: SchoolClass;

  @Index('ix_lessons_subject_id')
  @Column({ type: 'uuid' })
  subjectId!: string;

  @ManyToOne(() => Subject, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_lessons_subject' })
  subject?: Subject;

  /** The teacher of the timetable. */
  @Column({ type: 'uuid' })
  teacherId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'teacher_id', foreignKeyConstraintName: 'fk_lessons_teacher' })
  teacher?: User;

  /** The teacher covering this lesson (замена), when not the usual one. */
  @Column({ type: 'uuid', nullable: true })
  substituteTeacherId!: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'substitute_teacher_id', foreignKeyConstraintName: 'fk_lessons_substitute_teacher' })
  substituteTeacher?: User;

  /** Group of the class (e.g. "1 группа" for a language); null = the whole class. */
  @Column({ type: 'text', nullable: true })
  groupName!: string | null;

  /** School day, school-local. */
  @Column({ type: 'date' })
  date!: string;

  @Column({ type: 'time' })
  startTime!: string;

  @Column({ type: 'time' })
  endTime!: string;

  @Column({ type: 'timestamptz' })
  startsAt!: Date;

  @Column({ type: 'timestamptz' })
  endsAt!: Date;

  @Column({ type: 'text', nullable: true })
  room!: string | null;

  @Column({ type: 'text', nullable: true })
  topic!: string | null;

  @Column({ type: 'text', default: 'scheduled' })
  status!: LessonStatus;

  /** Lessons created together from one weekly pattern. */
  @Column({ type: 'uuid', nullable: true })
  seriesId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  /** Transaction id of the last write (default on insert, trigger `trg_lessons_change_xid` on update): the `?cursor=` feed's position. */
  @Column({ type: 'bigint', insert: false, update: false, select: false, default: () => 'diary_current_xid()' })
  changeXid!: string;
}
