import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Grade } from './grade.entity';

/** Corrections of a grade: who changed or deleted it, when, old → new. */
@Entity('grade_changes')
@Check('ck_grade_changes_action', `"action" IN ('changed', 'deleted')`)
@Index('ix_grade_changes_grade_id', ['gradeId', 'id'])
@Index('ix_grade_changes_student_id', ['studentId', 'id'])
export class GradeChange {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  gradeId!: string;

  @ManyToOne(() => Grade, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'grade_id', foreignKeyConstraintName: 'fk_grade_changes_grade' })
  grade?: Grade;

  /** Copied from the grade so a student's history reads by one index. */
  @Column({ type: 'uuid' })
  studentId!: string;

  @Column({ type: 'text' })
  action!: 'changed' | 'deleted';

  /** value, workType, weight, comment before the change. */
  @Column({ type: 'jsonb' })
  before!: Record<string, unknown>;

  /** The same fields after; null for a deletion. */
  @Column({ type: 'jsonb', nullable: true })
  after!: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'uuid' })
  changedBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  changedAt!: Date;
}
