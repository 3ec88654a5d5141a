import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlRepository } from '../../core/database/sql-repository';
import { Principal } from '../../common/auth/principal';
import { DEFAULT_GRADING, SchoolGrading } from './grading-rules';
import { PERIOD_COLUMNS, PeriodMarkRow, PeriodRow } from './grade-rows';
import { gradeWritableSql, schoolAdminSql, schoolReadableSql, teachesSql, visibleStudentSql } from '../../access';

/**
 * What every part of the journal looks up: a class the caller teaches in, who is enrolled, a student the
 * caller may see, a school's grading settings and periods, the class list. Named SQL, scoped in SQL (the
 * one way to reach the database in this module: raw parameterised SQL through SqlRepository).
 */
@Injectable()
export class GradesRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  // ---- context and checks ----------------------------------------------------------------------

  /** A class with its school, time zone and year, and whether the caller teaches the subject in it. */
  async findClassForTeaching(p: Principal, classId: string, subjectId: string) {
    const teaches = teachesSql(p, 'c.id', ':tSubject');
    const [row] = await this.run<{ id: string; school_id: string; academic_year: number; tz: string; teaches: boolean }>(
      `SELECT c.id, c.school_id, c.academic_year, COALESCE(s.timezone, r.timezone) AS tz, ${teaches.sql} AS teaches
         FROM classes c JOIN schools s ON s.id = c.school_id JOIN regions r ON r.id = s.region_id
        WHERE c.id = :tClass AND EXISTS (SELECT 1 FROM subjects sub WHERE sub.id = :tSubject AND sub.school_id = c.school_id)`,
      { tClass: classId, tSubject: subjectId, ...teaches.params },
    );
    return row ?? null;
  }

  /**
   * The class of a mark to be written (on a lesson, or on class + subject + date), and whether the caller may write
   * it by the grade write rule (src/access/grade.access.ts: the subject's teacher, or the lesson's substitute).
   */
  async findClassForMark(p: Principal, target: { classId: string; subjectId: string; lessonId: string | null }) {
    const writable = gradeWritableSql(p, 'gt');
    const [row] = await this.run<{ id: string; school_id: string; academic_year: number; tz: string; writable: boolean }>(
      `SELECT c.id, c.school_id, c.academic_year, COALESCE(s.timezone, r.timezone) AS tz, ${writable.sql} AS writable
         FROM classes c JOIN schools s ON s.id = c.school_id JOIN regions r ON r.id = s.region_id
        CROSS JOIN (SELECT CAST(:tClass AS uuid) AS class_id, CAST(:tSubject AS uuid) AS subject_id, CAST(:tLesson AS uuid) AS lesson_id) gt
        WHERE c.id = :tClass AND EXISTS (SELECT 1 FROM subjects sub WHERE sub.id = :tSubject AND sub.school_id = c.school_id)`,
      { tClass: target.classId, tSubject: target.subjectId, tLesson: target.lessonId, ...writable.params },
    );
    return row ?? null;
  }

  /** Which of the ids are current students of the class. */
  async findEnrolled(classId: string, studentIds: string[], manager?: EntityManager): Promise<Set<string>> {
    const rows: Array<{ student_id: string }> = await (manager ?? this.db.manager).query(
      'SELECT student_id FROM enrolments WHERE class_id = $1 AND ended_at IS NULL AND student_id = ANY($2::uuid[])',
      [classId, studentIds],
    );
    return new Set(rows.map((r) => r.student_id));
  }

  /** The student if the caller may see them, with their school and current class. */
  async findStudentContext(
    p: Principal,
    studentId: string,
  ): Promise<{ id: string; school_id: string; class_id: string | null; tz: string } | null> {
    const visible = visibleStudentSql(p, 'u');
    const [row] = await this.run<{ id: string; school_id: string; class_id: string | null; tz: string }>(
      `SELECT u.id, u.school_id, e.class_id, COALESCE(s.timezone, r.timezone) AS tz
         FROM users u JOIN schools s ON s.id = u.school_id JOIN regions r ON r.id = s.region_id
         LEFT JOIN enrolments e ON e.student_id = u.id AND e.ended_at IS NULL
        WHERE u.id = :cStudent AND 'student' = ANY(u.roles) AND ${visible.sql}`,
      { cStudent: studentId, ...visible.params },
    );
    return row ?? null;
  }

  async findClassStudents(
    classId: string,
  ): Promise<Array<{ id: string; last_name: string; first_name: string; middle_name: string | null; login: string }>> {
    return this.db.query(
      `SELECT u.id, u.last_name, u.first_name, u.middle_name, u.login FROM enrolments e JOIN users u ON u.id = e.student_id
        WHERE e.class_id = $1 AND e.ended_at IS NULL ORDER BY u.last_name, u.first_name, u.id LIMIT 200`,
      [classId],
    );
  }

  async isSchoolReadable(p: Principal, schoolId: string): Promise<boolean> {
    const cond = schoolReadableSql(p, 's.id');
    return (
      (await this.run('SELECT 1 FROM schools s WHERE s.id = :rSchool AND ' + cond.sql, { rSchool: schoolId, ...cond.params })).length > 0
    );
  }

  async isSchoolAdministered(p: Principal, schoolId: string): Promise<boolean> {
    const cond = schoolAdminSql(p, 's.id');
    return (
      (await this.run('SELECT 1 FROM schools s WHERE s.id = :rSchool AND ' + cond.sql, { rSchool: schoolId, ...cond.params })).length > 0
    );
  }

  // ---- grading settings, periods, period marks ---------------------------------------------------

  async findGrading(schoolId: string, manager?: EntityManager): Promise<SchoolGrading> {
    const [row] = await (manager ?? this.db.manager).query(
      'SELECT scale, work_types, rounding_threshold FROM grading_settings WHERE school_id = $1',
      [schoolId],
    );
    if (!row) return DEFAULT_GRADING;
    return { scale: row.scale, workTypes: row.work_types, roundingThreshold: Number(row.rounding_threshold) };
  }

  async saveGrading(schoolId: string, g: SchoolGrading, by: string): Promise<void> {
    await this.db.query(
      `INSERT INTO grading_settings (school_id, scale, work_types, rounding_threshold, updated_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (school_id) DO UPDATE SET scale = $2, work_types = $3, rounding_threshold = $4, updated_by = $5, updated_at = now()`,
      [schoolId, g.scale, JSON.stringify(g.workTypes), g.roundingThreshold, by],
    );
  }

  async findPeriod(id: string, schoolId: string): Promise<PeriodRow | null> {
    const [row] = await this.db.query(`SELECT ${PERIOD_COLUMNS} FROM academic_periods WHERE id = $1 AND school_id = $2`, [id, schoolId]);
    return row ?? null;
  }

  async findPeriodMarks(periodId: string, filter: { studentId?: string; classId?: string; subjectId?: string }) {
    return this.db.query(
      `SELECT student_id, subject_id, period_id, scale, value, comment FROM period_marks
        WHERE period_id = $1 AND ($2::uuid IS NULL OR student_id = $2) AND ($3::uuid IS NULL OR class_id = $3) AND ($4::uuid IS NULL OR subject_id = $4)
        LIMIT 5000`,
      [periodId, filter.studentId ?? null, filter.classId ?? null, filter.subjectId ?? null],
    ) as Promise<PeriodMarkRow[]>;
  }
}
