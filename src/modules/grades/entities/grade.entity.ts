import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { SchoolClass } from '../../schools/entities/school-class.entity';
import { Subject } from '../../schools/entities/subject.entity';
import { Lesson } from '../../schedule/entities/lesson.entity';
import { User } from '../../users/entities/user.entity';

export type GradeScale = 'five_point' | 'pass_fail';
export type GradeSource = 'manual' | 'import' | 'homework';

/**
 * A mark in the journal. The scale and weight are copied from the school's settings when entered,
 * so later setting changes never rewrite history. Deleted marks are kept (deleted_at) for the
 * correction history and the `?since=` feeds; change_xid is stamped by a trigger on every write.
 */
@Entity('grades')
@Check('ck_grades_scale', `"scale" IN ('five_point', 'pass_fail')`)
@Check('ck_grades_value', `("scale" = 'five_point' AND "value" BETWEEN 1 AND 5) OR ("scale" = 'pass_fail' AND "value" IN (0, 1))`)
@Check('ck_grades_weight', `"weight" > 0 AND "weight" <= 10`)
@Check('ck_grades_source', `"source" IN ('manual', 'import', 'homework')`)
@Index('ix_grades_student_subject_date', ['studentId', 'subjectId', 'date'])
@Index('ix_grades_class_subject_date', ['classId', 'subjectId', 'date'])
@Index('ix_grades_lesson_id', ['lessonId'], { where: 'lesson_id IS NOT NULL' })
@Index('ix_grades_student_change', ['studentId', 'changeXid', 'id'])
@Index('ix_grades_class_change', ['classId', 'changeXid', 'id'])
@Index('uq_grades_source_ref', ['sourceRef'], { unique: true, where: 'source_ref IS NOT NULL' })
export class Grade {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Copied from the class (scoping); not a foreign key. */
  @Column({ type: 'uuid' })
  schoolId!: string;

  @Column({ type: 'uuid' })
  studentId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: 'fk_grades_student' })
  student?: User;

  @Column({ type: 'uuid' })
  classId!: string;

  @ManyToOne(() => SchoolClass, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'class_id', foreignKeyConstraintName: 'fk_grades_class' })
  schoolClass?: SchoolClass;

  @Column({ type: 'uuid' })
  subjectId!: string;

  @ManyToOne(() => Subject, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_grades_subject' })
  subject?: Subject;

  @Column({ type: 'uuid', nullable: true })
  lessonId!: string | null;

  @ManyToOne(() => Lesson, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lesson_id', foreignKeyConstraintName: 'fk_grades_lesson' })
  lesson?: Lesson;

  /** School day the mark is for. */
  @Column({ type: 'date' })
  date!: string;

  @Column({ type: 'text' })
  scale!: GradeScale;

  /** 1–5 on the five-point scale; 1 = pass, 0 = fail on the pass/fail scale. */
  @Column({ type: 'smallint' })
  value!: number;

  /** Work type code from the school's settings (answer, homework, test, control…). */
  @Column({ type: 'text' })
  workType!: string;

  @Column({ type: 'numeric', precision: 4, scale: 2 })
  weight!: string;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ type: 'text', default: 'manual' })
  source!: GradeSource;

  /** The homework submission a homework grade belongs to (one grade per submission). */
  @Column({ type: 'uuid', nullable: true })
  sourceRef!: string | null;

  /** Who entered it (audit; not a foreign key). */
  @Column({ type: 'uuid' })
  enteredBy!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  /** Transaction id of the last write (set by trigger `trg_grades_change_xid`): the `?since=` cursor. */
  @Column({ type: 'bigint', insert: false, update: false, select: false })
  changeXid!: string;
}
