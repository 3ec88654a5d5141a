import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { School } from './school.entity';

/** A class of one academic year, e.g. "7А" of 2026/2027. */
@Entity('classes')
@Index('uq_classes_school_year_name', ['schoolId', 'academicYear', 'name'], { unique: true })
export class SchoolClass {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('ix_classes_school_id')
  @Column({ type: 'uuid' })
  schoolId!: string;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id', foreignKeyConstraintName: 'fk_classes_school' })
  school?: School;

  /** Display name: parallel + letter, e.g. "7А". */
  @Column({ type: 'text' })
  name!: string;

  /** Parallel (1–11). */
  @Column({ type: 'smallint' })
  grade!: number;

  /** First calendar year of the academic year: 2026 means 2026/2027. */
  @Column({ type: 'smallint' })
  academicYear!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
