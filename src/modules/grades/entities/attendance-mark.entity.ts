import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { SchoolClass } from '../../schools/entities/school-class.entity';
import { Lesson } from '../../schedule/entities/lesson.entity';
import { User } from '../../users/entities/user.entity';

export type AttendanceStatus = 'present' | 'absent' | 'late' | 'excused';

/** Attendance of one student at one lesson. "present" clears an earlier mark and keeps the feed exact. */
@Entity('attendance')
@Check('ck_attendance_status', `"status" IN ('present', 'absent', 'late', 'excused')`)
@Index('uq_attendance_lesson_student', ['lessonId', 'studentId'], { unique: true })
@Index('ix_attendance_student_date', ['studentId', 'date'])
@Index('ix_attendance_student_change', ['studentId', 'changeXid', 'id'])
@Index('ix_attendance_class_change', ['classId', 'changeXid', 'id'])
export class AttendanceMark {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  lessonId!: string;

  @ManyToOne(() => Lesson, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lesson_id', foreignKeyConstraintName: 'fk_attendance_lesson' })
  lesson?: Lesson;

  @Column({ type: 'uuid' })
  studentId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: 'fk_attendance_student' })
  student?: User;

  @Column({ type: 'uuid' })
  classId!: string;

  @ManyToOne(() => SchoolClass, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'class_id', foreignKeyConstraintName: 'fk_attendance_class' })
  schoolClass?: SchoolClass;

  /** Copied from the lesson (scoping, views); not foreign keys. */
  @Column({ type: 'uuid' })
  schoolId!: string;

  @Column({ type: 'uuid' })
  subjectId!: string;

  @Column({ type: 'date' })
  date!: string;

  @Column({ type: 'text' })
  status!: AttendanceStatus;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'uuid' })
  markedBy!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  /** Set by trigger `trg_attendance_change_xid`: the `?since=` cursor. */
  @Column({ type: 'bigint', insert: false, update: false, select: false })
  changeXid!: string;
}
