import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn } from 'typeorm';
import { SchoolClass } from '../../schools/entities/school-class.entity';
import { User } from '../../users/entities/user.entity';

/** The class teacher (классный руководитель) of a class: one per class, one class per teacher. */
@Entity('class_teachers')
export class ClassTeacher {
  @PrimaryColumn({ type: 'uuid' })
  classId!: string;

  @OneToOne(() => SchoolClass, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'class_id', foreignKeyConstraintName: 'fk_class_teachers_class' })
  schoolClass?: SchoolClass;

  @Index('uq_class_teachers_teacher_id', { unique: true })
  @Column({ type: 'uuid' })
  teacherId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'teacher_id', foreignKeyConstraintName: 'fk_class_teachers_teacher' })
  teacher?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
