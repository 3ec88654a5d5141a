import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { School } from './school.entity';

@Entity('subjects')
@Index('uq_subjects_school_name', ['schoolId', 'name'], { unique: true })
export class Subject {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('ix_subjects_school_id')
  @Column({ type: 'uuid' })
  schoolId!: string;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id', foreignKeyConstraintName: 'fk_subjects_school' })
  school?: School;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  shortName!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
