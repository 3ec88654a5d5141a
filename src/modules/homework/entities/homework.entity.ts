import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { SchoolClass } from '../../schools/entities/school-class.entity';
import { Subject } from '../../schools/entities/subject.entity';
import { Lesson } from '../../schedule/entities/lesson.entity';
import { User } from '../../users/entities/user.entity';

/** A task set by a teacher for a class and subject, optionally at a lesson, due on a school day. */
@Entity('homework')
@Index('ix_homework_class_due', ['classId', 'dueDate'])
@Index('ix_homework_lesson_id', ['lessonId'], { where: 'lesson_id IS NOT NULL' })
@Index('ix_homework_class_change', ['classId', 'changeXid', 'id'])
export class Homework {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Copied from the class (scoping); not a foreign key. */
  @Column({ type: 'uuid' })
  schoolId!: string;

  @Column({ type: 'uuid' })
  classId!: string;

  @ManyToOne(() => SchoolClass, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'class_id', foreignKeyConstraintName: 'fk_homework_class' })
  schoolClass?: SchoolClass;

  @Index('ix_homework_subject_id')
  @Column({ type: 'uuid' })
  subjectId!: string;

  @ManyToOne(() => Subject, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_homework_subject' })
  subject?: Subject;

  @Column({ type: 'uuid', nullable: true })
  lessonId!: string | null;

  @ManyToOne(() => Lesson, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'lesson_id', foreignKeyConstraintName: 'fk_homework_lesson' })
  lesson?: Lesson;

  @Index('ix_homework_teacher_id')
  @Column({ type: 'uuid' })
  teacherId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'teacher_id', foreignKeyConstraintName: 'fk_homework_teacher' })
  teacher?: User;

  @Column({ type: 'text' })
  text!: string;

  /** School day it is due. */
  @Column({ type: 'date' })
  dueDate!: string;

  /** End of the due day in the school's time zone: a submission after it is late. */
  @Column({ type: 'timestamptz' })
  dueAt!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  /** Transaction id of the last write (default on insert, trigger `trg_homework_change_xid` on update): the `?cursor=` feed's position. */
  @Column({ type: 'bigint', insert: false, update: false, select: false, default: () => 'diary_current_xid()' })
  changeXid!: string;
}
