import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlRepository } from '../../core/database/sql-repository';
import { AttendanceStatus } from './entities/attendance-mark.entity';
import { ATTENDANCE_COLUMNS, AttendanceRow } from './grade-rows';

/** Attendance marks of lessons: the upsert that reports what it changed, and the current marks. */
@Injectable()
export class AttendanceRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  /** Upserts marks of one lesson; returns the rows actually written with the previous status. */
  async upsertAttendance(
    tx: EntityManager,
    lesson: { id: string; classId: string; subjectId: string; schoolId: string; date: string },
    marks: Array<{ studentId: string; status: AttendanceStatus; reason: string | null }>,
    markedBy: string,
  ): Promise<AttendanceRow[]> {
    return tx.query(
      `WITH input AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) AS i(student_id, status, reason)),
            old AS (SELECT a.student_id, a.status FROM attendance a WHERE a.lesson_id = $4 AND a.student_id IN (SELECT student_id FROM input)),
            up AS (
              INSERT INTO attendance (lesson_id, student_id, class_id, subject_id, school_id, date, status, reason, marked_by)
              SELECT $4, i.student_id, $5, $6, $7, $8, i.status, i.reason, $9 FROM input i
              ON CONFLICT (lesson_id, student_id) DO UPDATE
                SET status = EXCLUDED.status, reason = EXCLUDED.reason, marked_by = EXCLUDED.marked_by,
                    version = attendance.version + 1, updated_at = now()
                WHERE (attendance.status, attendance.reason) IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.reason)
              RETURNING *)
       SELECT ${ATTENDANCE_COLUMNS}, old.status AS previous_status FROM up a LEFT JOIN old ON old.student_id = a.student_id`,
      [
        marks.map((m) => m.studentId),
        marks.map((m) => m.status),
        marks.map((m) => m.reason),
        lesson.id,
        lesson.classId,
        lesson.subjectId,
        lesson.schoolId,
        lesson.date,
        markedBy,
      ],
    );
  }

  /** Current marks of some students in one lesson (in the caller's transaction when given). */ async findAttendanceOfLesson(
    lessonId: string,
    studentIds: string[],
    manager?: EntityManager,
  ): Promise<AttendanceRow[]> {
    return (manager ?? this.db.manager).query(
      `SELECT ${ATTENDANCE_COLUMNS} FROM attendance a WHERE a.lesson_id = $1 AND a.student_id = ANY($2::uuid[]) ORDER BY a.student_id`,
      [lessonId, studentIds],
    );
  }
}
