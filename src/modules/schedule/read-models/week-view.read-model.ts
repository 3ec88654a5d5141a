/**
 * Read model of the week views (a student's, a teacher's, a class's week), owned by the schedule module.
 *
 * It reads, besides the schedule's own `lessons`, tables of other modules, on purpose: the week is the diary's
 * hottest view and is built in one query per week, whatever it holds, where going through each module's service
 * would cost a query per module and lesson.
 * - grades module: `grades` (a student's marks of each lesson, marks not attached to a lesson, per-lesson counts) and
 *   `attendance` (a student's mark of each lesson, per-lesson absence counts);
 * - homework module: `homework` (set at a lesson, due for it) and `homework_files` (how many attachments);
 * - schools and users modules: names and time zones (`classes`, `subjects`, `users`, `schools`, `regions`), the
 *   student's current class (`enrolments`);
 * - core/read-cache: the `read_versions` counters the cached student week is keyed by.
 * Marks and attendance are shown by the grade rule of src/access/grade.access.ts, the same as every other view of a
 * student's marks; homework by the class read rule (whoever sees the week may read its class). Only this file reads
 * these tables for the schedule module; a change to their columns must be made here too.
 */

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { attendanceReadableSql, gradeAudienceSql, gradeReadableSql, visibleStudentSql } from '../../../access';
import { Principal } from '../../../common/auth/principal';
import { SqlRepository } from '../../../core/database/sql-repository';
import { readVersionsSql } from '../../../core/read-cache/read-versions';
import { LessonRow } from '../lesson-sql';
import { LESSON_COLUMNS, LESSON_JOINS } from './lesson-names.read-model';

/** A lesson of the week with what the week shows of it. */
export interface WeekLessonRow extends LessonRow {
  hw_assigned: Array<{ id: string; text: string; dueDate: string; attachmentCount: number }>;
  hw_due: Array<{ id: string; text: string; dueDate: string; attachmentCount: number }>;
  grades: Array<{ id: string; value: number; scale: string; workType: string; weight: string | number; comment: string | null }> | null;
  attendance: { status: string; reason: string | null } | null;
  grade_count: number;
  absence_count: number;
}

export interface UnattachedGradeRow {
  id: string;
  value: number;
  scale: string;
  work_type: string;
  weight: string;
  comment: string | null;
  date: string;
  subject_id: string;
  subject_name: string;
}

export interface StudentWeekContext {
  id: string;
  class_id: string | null;
  tz: string;
  /** The read_versions counters of the class and the student (and the catalog). */
  versions: string;
  /** Which of the student's marks the caller sees (grade.access.ts gradeAudienceSql): part of the cache key. */
  audience: string;
}

const HOMEWORK_JSON = `json_build_object('id', h.id, 'text', h.text, 'dueDate', to_char(h.due_date, 'YYYY-MM-DD'),
  'attachmentCount', (SELECT count(*)::int FROM homework_files hf WHERE hf.homework_id = h.id))`;

@Injectable()
export class WeekViewReadModel extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  /**
   * The student if the caller may see them, with their class, time zone, the read versions of both and the caller's
   * grade audience: the access check and the whole cache key in one prepared statement.
   */
  async findStudentWeekContext(p: Principal, studentId: string): Promise<StudentWeekContext | null> {
    const visible = visibleStudentSql(p, 'u');
    const audience = gradeAudienceSql(p, 'u.id');
    const [row] = await this.runPrepared<StudentWeekContext>(
      `SELECT u.id, e.class_id, COALESCE(s.timezone, r.timezone) AS tz, ${readVersionsSql('e.class_id', 'u.id')} AS versions,
              ${audience.sql} AS audience
         FROM users u
         JOIN schools s ON s.id = u.school_id JOIN regions r ON r.id = s.region_id
         LEFT JOIN enrolments e ON e.student_id = u.id AND e.ended_at IS NULL
        WHERE u.id = :studentId AND 'student' = ANY(u.roles) AND ${visible.sql}`,
      { studentId, ...visible.params, ...audience.params },
    );
    return row ?? null;
  }

  /**
   * One week of lessons with, per lesson, its homework (set at it and due for it) and either one student's marks and
   * attendance mark as the viewer may read them (`forStudent`), or the lesson's mark/absence counts. One query
   * whatever the week holds.
   */
  async findWeek(
    filter: { classId: string } | { teacherId: string },
    from: string,
    to: string,
    forStudent: { studentId: string; viewer: Principal } | null,
  ): Promise<WeekLessonRow[]> {
    const where = 'classId' in filter ? 'l.class_id = :wClass' : '(l.teacher_id = :wTeacher OR l.substitute_teacher_id = :wTeacher)';
    const gradeRule = forStudent ? gradeReadableSql(forStudent.viewer, 'g') : null;
    const attendanceRule = forStudent ? attendanceReadableSql(forStudent.viewer, 'a') : null;
    const perStudent = forStudent
      ? `COALESCE((SELECT json_agg(json_build_object('id', g.id, 'value', g.value, 'scale', g.scale, 'workType', g.work_type,
                     'weight', g.weight, 'comment', g.comment) ORDER BY g.created_at)
                     FROM grades g WHERE g.lesson_id = l.id AND g.student_id = :wStudent AND g.deleted_at IS NULL
                      AND ${gradeRule!.sql}), '[]'::json) AS grades,
         (SELECT json_build_object('status', a.status, 'reason', a.reason)
            FROM attendance a WHERE a.lesson_id = l.id AND a.student_id = :wStudent AND a.status <> 'present'
             AND ${attendanceRule!.sql}) AS attendance,
         0 AS grade_count, 0 AS absence_count`
      : `NULL::json AS grades, NULL::json AS attendance,
         (SELECT count(*)::int FROM grades g WHERE g.lesson_id = l.id AND g.deleted_at IS NULL) AS grade_count,
         (SELECT count(*)::int FROM attendance a WHERE a.lesson_id = l.id AND a.status IN ('absent', 'late')) AS absence_count`;
    // prepared: planning this statement (four correlated subqueries) cost more than running it
    return this.runPrepared<WeekLessonRow>(
      `SELECT ${LESSON_COLUMNS},
              COALESCE((SELECT json_agg(${HOMEWORK_JSON} ORDER BY h.created_at)
                          FROM homework h WHERE h.lesson_id = l.id), '[]'::json) AS hw_assigned,
              COALESCE((SELECT json_agg(${HOMEWORK_JSON} ORDER BY h.created_at)
                          FROM homework h WHERE h.class_id = l.class_id AND h.due_date = l.date AND h.subject_id = l.subject_id
                           AND h.lesson_id IS DISTINCT FROM l.id), '[]'::json) AS hw_due,
              ${perStudent}
         FROM lessons l ${LESSON_JOINS}
        WHERE ${where} AND l.date BETWEEN :wFrom AND :wTo
        ORDER BY l.date, l.start_time, c.name`,
      {
        wClass: 'classId' in filter ? filter.classId : undefined,
        wTeacher: 'teacherId' in filter ? filter.teacherId : undefined,
        wStudent: forStudent?.studentId ?? null,
        wFrom: from,
        wTo: to,
        ...gradeRule?.params,
        ...attendanceRule?.params,
      },
    );
  }

  /** The student's marks of a date range not attached to a lesson (imports, homework graded later) the viewer may read. */
  async findUnattachedGrades(viewer: Principal, studentId: string, from: string, to: string): Promise<UnattachedGradeRow[]> {
    const rule = gradeReadableSql(viewer, 'g');
    return this.runPrepared<UnattachedGradeRow>(
      `SELECT g.id, g.value, g.scale, g.work_type, g.weight, g.comment, to_char(g.date, 'YYYY-MM-DD') AS date, g.subject_id, sub.name AS subject_name
         FROM grades g JOIN subjects sub ON sub.id = g.subject_id
        WHERE g.student_id = :studentId AND g.date BETWEEN :from AND :to AND g.lesson_id IS NULL AND g.deleted_at IS NULL
          AND ${rule.sql}
        ORDER BY g.date, g.created_at`,
      { studentId, from, to, ...rule.params },
    );
  }
}
