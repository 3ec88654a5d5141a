import { Check, Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { School } from '../../schools/entities/school.entity';

export interface WorkTypeSetting {
  code: string;
  name: string;
  weight: number;
}

/** A school's grading rules: scale, work types with weights, and where a period average rounds up. */
@Entity('grading_settings')
@Check('ck_grading_settings_scale', `"scale" IN ('five_point', 'pass_fail')`)
@Check('ck_grading_settings_threshold', `"rounding_threshold" > 0 AND "rounding_threshold" < 1`)
export class GradingSettings {
  @PrimaryColumn({ type: 'uuid' })
  schoolId!: string;

  @OneToOne(() => School, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'school_id', foreignKeyConstraintName: 'fk_grading_settings_school' })
  school?: School;

  @Column({ type: 'text', default: 'five_point' })
  scale!: 'five_point' | 'pass_fail';

  @Column({ type: 'jsonb' })
  workTypes!: WorkTypeSetting[];

  /** Fraction from which the average rounds up to the next mark: 0.5 means 4.5 → 5; 0.6 means 4.6 → 5. */
  @Column({ type: 'numeric', precision: 3, scale: 2 })
  roundingThreshold!: string;

  @Column({ type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
