import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';
import { Homework } from './homework.entity';

export type SubmissionStatus = 'submitted' | 'returned' | 'graded';

/** A student's answer to a homework. "late" is computed (submitted_at after the homework's due_at). */
@Entity('homework_submissions')
@Check('ck_homework_submissions_status', `"status" IN ('submitted', 'returned', 'graded')`)
@Index('uq_homework_submissions_homework_student', ['homeworkId', 'studentId'], { unique: true })
@Index('ix_homework_submissions_student_id', ['studentId'])
export class HomeworkSubmission {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  homeworkId!: string;

  @ManyToOne(() => Homework, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'homework_id', foreignKeyConstraintName: 'fk_homework_submissions_homework' })
  homework?: Homework;

  @Column({ type: 'uuid' })
  studentId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: 'fk_homework_submissions_student' })
  student?: User;

  @Column({ type: 'text', nullable: true })
  text!: string | null;

  @Column({ type: 'text' })
  status!: SubmissionStatus;

  @Column({ type: 'timestamptz' })
  submittedAt!: Date;

  /** 1 for the first answer; +1 for each resubmission after a return. */
  @Column({ type: 'integer', default: 1 })
  attempt!: number;

  @Column({ type: 'text', nullable: true })
  teacherComment!: string | null;

  /** The homework-type grade in the journal (written by the grades module). */
  @Column({ type: 'uuid', nullable: true })
  gradeId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  reviewedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
