import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SchoolClass } from '../../schools/entities/school-class.entity';
import { Subject } from '../../schools/entities/subject.entity';
import { User } from '../../users/entities/user.entity';

/** Teacher × class × subject: who teaches what where. */
@Entity('teacher_assignments')
@Index('uq_teacher_assignments', ['teacherId', 'classId', 'subjectId'], { unique: true })
export class TeacherAssignment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('ix_teacher_assignments_teacher_id')
  @Column({ type: 'uuid' })
  teacherId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'teacher_id', foreignKeyConstraintName: 'fk_teacher_assignments_teacher' })
  teacher?: User;

  @Index('ix_teacher_assignments_class_id')
  @Column({ type: 'uuid' })
  classId!: string;

  @ManyToOne(() => SchoolClass, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'class_id', foreignKeyConstraintName: 'fk_teacher_assignments_class' })
  schoolClass?: SchoolClass;

  @Index('ix_teacher_assignments_subject_id')
  @Column({ type: 'uuid' })
  subjectId!: string;

  @ManyToOne(() => Subject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_teacher_assignments_subject' })
  subject?: Subject;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
