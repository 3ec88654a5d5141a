import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Subject } from '../../schools/entities/subject.entity';
import { User } from '../../users/entities/user.entity';
import { AcademicPeriod } from './academic-period.entity';

/** A period (term, half-year) or final (year) mark set by the teacher. */
@Entity('period_marks')
@Check('ck_period_marks_scale', `"scale" IN ('five_point', 'pass_fail')`)
@Check('ck_period_marks_value', `("scale" = 'five_point' AND "value" BETWEEN 1 AND 5) OR ("scale" = 'pass_fail' AND "value" IN (0, 1))`)
@Index('uq_period_marks_student_subject_period', ['studentId', 'subjectId', 'periodId'], { unique: true })
@Index('ix_period_marks_period_class', ['periodId', 'classId', 'subjectId'])
@Index('ix_period_marks_subject_id', ['subjectId'])
export class PeriodMark {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  periodId!: string;

  @ManyToOne(() => AcademicPeriod, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'period_id', foreignKeyConstraintName: 'fk_period_marks_period' })
  period?: AcademicPeriod;

  @Column({ type: 'uuid' })
  studentId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: 'fk_period_marks_student' })
  student?: User;

  @Column({ type: 'uuid' })
  subjectId!: string;

  @ManyToOne(() => Subject, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_period_marks_subject' })
  subject?: Subject;

  /** Class at the time the mark was set (copied; not a foreign key). */
  @Column({ type: 'uuid' })
  classId!: string;

  @Column({ type: 'text' })
  scale!: 'five_point' | 'pass_fail';

  @Column({ type: 'smallint' })
  value!: number;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ type: 'uuid' })
  setBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
