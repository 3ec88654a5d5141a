import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Homework } from './homework.entity';

/** A comment in one student's thread of a homework: the student, their parents and the teacher talk there. */
@Entity('homework_comments')
@Index('ix_homework_comments_thread', ['homeworkId', 'studentId', 'createdAt'])
export class HomeworkComment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  homeworkId!: string;

  @ManyToOne(() => Homework, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'homework_id', foreignKeyConstraintName: 'fk_homework_comments_homework' })
  homework?: Homework;

  /** Whose work the thread is about. */
  @Column({ type: 'uuid' })
  studentId!: string;

  @Column({ type: 'uuid' })
  authorId!: string;

  @Column({ type: 'text' })
  body!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
