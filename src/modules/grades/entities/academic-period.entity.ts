import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { School } from '../../schools/entities/school.entity';

export type PeriodKind = 'term' | 'half' | 'year';

/** A grading period of a school year (четверть, полугодие, год); the year period carries the final mark. */
@Entity('academic_periods')
@Check('ck_academic_periods_kind', `"kind" IN ('term', 'half', 'year')`)
@Check('ck_academic_periods_dates', `"ends_on" >= "starts_on"`)
@Index('uq_academic_periods_school_year_name', ['schoolId', 'academicYear', 'name'], { unique: true })
export class AcademicPeriod {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  schoolId!: string;

  @ManyToOne(() => School, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'school_id', foreignKeyConstraintName: 'fk_academic_periods_school' })
  school?: School;

  @Column({ type: 'smallint' })
  academicYear!: number;

  @Column({ type: 'text' })
  kind!: PeriodKind;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'date' })
  startsOn!: string;

  @Column({ type: 'date' })
  endsOn!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
