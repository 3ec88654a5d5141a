import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SchoolClass } from '../../schools/entities/school-class.entity';
import { User } from './user.entity';

/** A student's membership of a class. The current one has no end date (at most one per student). */
@Entity('enrolments')
@Index('uq_enrolments_current_student', ['studentId'], { unique: true, where: 'ended_at IS NULL' })
export class Enrolment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('ix_enrolments_student_id')
  @Column({ type: 'uuid' })
  studentId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: 'fk_enrolments_student' })
  student?: User;

  @Index('ix_enrolments_class_id')
  @Column({ type: 'uuid' })
  classId!: string;

  @ManyToOne(() => SchoolClass, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'class_id', foreignKeyConstraintName: 'fk_enrolments_class' })
  schoolClass?: SchoolClass;

  @CreateDateColumn({ type: 'timestamptz' })
  startedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
