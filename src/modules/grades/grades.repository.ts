import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SqlRepository } from '../../core/database/sql-repository';
import { readVersionsSql } from '../../core/read-cache/read-versions';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { AttendanceStatus } from './entities/attendance-mark.entity';
import { GradeScale, GradeSource } from './entities/grade.entity';
import { DEFAULT_GRADING, SchoolGrading } from './grading-rules';
import {
  attendanceReadableSql,
  classGradeFeedReadableSql,
  gradeReadableSql,
  gradeWritableSql,
  journalReadableSql,
  schoolAdminSql,
  schoolReadableSql,
  SqlCondition,
  teachesInClassSql,
  teachesSql,
  visibleStudentSql,
} from '../../access';

export interface GradeRow {
  id: string;
  school_id: string;
  student_id: string;
  class_id: string;
  subject_id: string;
  lesson_id: string | null;
  date: string;
  scale: GradeScale;
  value: number;
  work_type: string;
  weight: string;
  comment: string | null;
  source: GradeSource;
  entered_by: string;
  version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  cx?: string;
}

export interface NewGrade {
  schoolId: string;
  studentId: string;
  classId: string;
  subjectId: string;
  lessonId: string | null;
  date: string;
  scale: GradeScale;
  value: number;
  workType: string;
  weight: number;
  comment: string | null;
  source: GradeSource;
  sourceRef: string | null;
  enteredBy: string;
}

export interface AttendanceRow {
  id: string;
  lesson_id: string;
  student_id: string;
  class_id: string;
  subject_id: string;
  school_id: string;
  date: string;
  status: AttendanceStatus;
  reason: string | null;
  version: number;
  updated_at: Date;
  previous_status?: AttendanceStatus | null;
  cx?: string;
}

export interface PeriodRow {
  id: string;
  school_id: string;
  academic_year: number;
  kind: 'term' | 'half' | 'year';
  name: string;
  starts_on: string;
  ends_on: string;
}

const GRADE_COLUMNS = `g.id, g.school_id, g.student_id, g.class_id, g.subject_id, g.lesson_id, to_char(g.date, 'YYYY-MM-DD') AS date, g.scale, g.value,
  g.work_type, g.weight, g.comment, g.source, g.entered_by, g.version, g.created_at, g.updated_at, g.deleted_at`;
const ATTENDANCE_COLUMNS = `a.id, a.lesson_id, a.student_id, a.class_id, a.subject_id, a.school_id, to_char(a.date, 'YYYY-MM-DD') AS date,
  a.status, a.reason, a.version, a.updated_at`;
const PERIOD_COLUMNS = `id, school_id, academic_year, kind, name, to_char(starts_on, 'YYYY-MM-DD') AS starts_on, to_char(ends_on, 'YYYY-MM-DD') AS ends_on`;
/** Rows of transactions that may still commit are held back, so a feed cursor never skips a late commit. */
const SETTLED = 'pg_snapshot_xmin(pg_current_snapshot())::text::bigint';
const shortName = (u: string): string =>
  `${u}.last_name || ' ' || left(${u}.first_name, 1) || '.' || COALESCE(' ' || left(${u}.middle_name, 1) || '.', '')`;

type FeedFilter = { studentId?: string; classId?: string; subjectId?: string };
type FeedCursor = { xid: string; id: string };

/** Grades, attendance, periods and settings: queries named for what they answer, scoped in SQL. */
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

  /** Which of the ids are current students of the class. */
  async findEnrolled(classId: string, studentIds: string[], manager?: EntityManager): Promise<Set<string>> {
    const rows: Array<{ student_id: string }> = await (manager ?? this.db.manager).query(
      'SELECT student_id FROM enrolments WHERE class_id = $1 AND ended_at IS NULL AND student_id = ANY($2::uuid[])',
      [classId, studentIds],
    );
    return new Set(rows.map((r) => r.student_id));
  }

  async findGrading(schoolId: string, manager?: EntityManager): Promise<SchoolGrading> {
    const [row] = await (manager ?? this.db.manager).query(
      'SELECT scale, work_types, rounding_threshold FROM grading_settings WHERE school_id = $1',
      [schoolId],
    );
    if (!row) return DEFAULT_GRADING;
    return { scale: row.scale, workTypes: row.work_types, roundingThreshold: Number(row.rounding_threshold) };
  }

  // ---- grades: writes -------------------------------------------------------------------------

  async insertGrades(tx: EntityManager, rows: NewGrade[]): Promise<GradeRow[]> {
    if (rows.length === 0) return [];
    return tx.query(
      `WITH ins AS (
         INSERT INTO grades (school_id, student_id, class_id, subject_id, lesson_id, date, scale, value, work_type, weight, comment, source, source_ref, entered_by)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::date[], $7::text[], $8::smallint[], $9::text[],
                              $10::numeric[], $11::text[], $12::text[], $13::uuid[], $14::uuid[])
         RETURNING *)
       SELECT ${GRADE_COLUMNS} FROM ins g`,
      [
        rows.map((r) => r.schoolId),
        rows.map((r) => r.studentId),
        rows.map((r) => r.classId),
        rows.map((r) => r.subjectId),
        rows.map((r) => r.lessonId),
        rows.map((r) => r.date),
        rows.map((r) => r.scale),
        rows.map((r) => r.value),
        rows.map((r) => r.workType),
        rows.map((r) => r.weight),
        rows.map((r) => r.comment),
        rows.map((r) => r.source),
        rows.map((r) => r.sourceRef),
        rows.map((r) => r.enteredBy),
      ],
    );
  }

  /** Inserts without returning rows (the import: 50,000 rows in chunks); returns the new ids in order. */
  async insertGradeIds(tx: EntityManager, rows: NewGrade[]): Promise<string[]> {
    const out: Array<{ id: string }> = await tx.query(
      `INSERT INTO grades (school_id, student_id, class_id, subject_id, lesson_id, date, scale, value, work_type, weight, comment, source, source_ref, entered_by)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::date[], $7::text[], $8::smallint[], $9::text[],
                            $10::numeric[], $11::text[], $12::text[], $13::uuid[], $14::uuid[])
       RETURNING id`,
      [
        rows.map((r) => r.schoolId),
        rows.map((r) => r.studentId),
        rows.map((r) => r.classId),
        rows.map((r) => r.subjectId),
        rows.map((r) => r.lessonId),
        rows.map((r) => r.date),
        rows.map((r) => r.scale),
        rows.map((r) => r.value),
        rows.map((r) => r.workType),
        rows.map((r) => r.weight),
        rows.map((r) => r.comment),
        rows.map((r) => r.source),
        rows.map((r) => r.sourceRef),
        rows.map((r) => r.enteredBy),
      ],
    );
    return out.map((o) => o.id);
  }

  /** The live grade, locked, if the caller may change it. */
  async lockWritableGrade(tx: EntityManager, p: Principal, id: string): Promise<GradeRow | null> {
    const cond = gradeWritableSql(p, 'g');
    const [row] = await this.run<GradeRow>(
      `SELECT ${GRADE_COLUMNS} FROM grades g WHERE g.id = :gId AND g.deleted_at IS NULL AND ${cond.sql} FOR UPDATE`,
      { gId: id, ...cond.params },
      tx,
    );
    return row ?? null;
  }

  async lockGradeBySourceRef(tx: EntityManager, sourceRef: string): Promise<GradeRow | null> {
    const [row] = await tx.query(`SELECT ${GRADE_COLUMNS} FROM grades g WHERE g.source_ref = $1 FOR UPDATE`, [sourceRef]);
    return row ?? null;
  }

  async updateGrade(
    tx: EntityManager,
    id: string,
    patch: { value: number; workType: string; weight: number; comment: string | null; deleted?: boolean },
  ): Promise<GradeRow> {
    const [row] = await tx.query(
      `WITH up AS (
         UPDATE grades SET value = $2, work_type = $3, weight = $4, comment = $5, version = version + 1, updated_at = now(),
                deleted_at = CASE WHEN $6::boolean THEN now() ELSE NULL END
          WHERE id = $1 RETURNING *)
       SELECT ${GRADE_COLUMNS} FROM up g`,
      [id, patch.value, patch.workType, patch.weight, patch.comment, patch.deleted ?? false],
    );
    return row;
  }

  async insertGradeChange(
    tx: EntityManager,
    c: {
      gradeId: string;
      studentId: string;
      action: 'changed' | 'deleted';
      before: object;
      after: object | null;
      reason: string | null;
      changedBy: string;
    },
  ): Promise<void> {
    await tx.query(
      'INSERT INTO grade_changes (grade_id, student_id, action, before, after, reason, changed_by) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [c.gradeId, c.studentId, c.action, JSON.stringify(c.before), c.after ? JSON.stringify(c.after) : null, c.reason, c.changedBy],
    );
  }

  // ---- grades: reads --------------------------------------------------------------------------

  async findReadableGrade(p: Principal, id: string): Promise<(GradeRow & { entered_by_name: string }) | null> {
    const cond = gradeReadableSql(p, 'g');
    const [row] = await this.run<GradeRow & { entered_by_name: string }>(
      `SELECT ${GRADE_COLUMNS}, ${shortName('u')} AS entered_by_name FROM grades g JOIN users u ON u.id = g.entered_by
        WHERE g.id = :gId AND ${cond.sql}`,
      { gId: id, ...cond.params },
    );
    return row ?? null;
  }

  async findChangesOfGrade(gradeId: string) {
    return this.db.query(
      `SELECT gc.id::text AS id, gc.grade_id, gc.action, gc.before, gc.after, gc.reason, gc.changed_by, gc.changed_at, ${shortName('u')} AS changed_by_name
         FROM grade_changes gc JOIN users u ON u.id = gc.changed_by WHERE gc.grade_id = $1 ORDER BY gc.id LIMIT 1000`,
      [gradeId],
    ) as Promise<ChangeRow[]>;
  }

  /** A student's corrections, newest first, keyset by id; only of grades the caller may read. */
  async findStudentChanges(p: Principal, studentId: string, cursor: string | null, limit: number): Promise<ChangeRow[]> {
    const cond = gradeReadableSql(p, 'g');
    return this.run<ChangeRow>(
      `SELECT gc.id::text AS id, gc.grade_id, gc.action, gc.before, gc.after, gc.reason, gc.changed_by, gc.changed_at, ${shortName('u')} AS changed_by_name
         FROM grade_changes gc JOIN grades g ON g.id = gc.grade_id JOIN users u ON u.id = gc.changed_by
        WHERE gc.student_id = :hStudent AND (CAST(:hCursor AS bigint) IS NULL OR gc.id < CAST(:hCursor AS bigint)) AND ${cond.sql}
        ORDER BY gc.id DESC LIMIT :hLimit`,
      { hStudent: studentId, hCursor: cursor, hLimit: limit, ...cond.params },
    );
  }

  /** Grades changed after the cursor (created, changed or deleted), in commit-safe order. */
  findGradeFeed(p: Principal, filter: FeedFilter, after: FeedCursor, limit: number): Promise<GradeRow[]> {
    return this.feed<GradeRow>('grades g', 'g', GRADE_COLUMNS, gradeReadableSql(p, 'g'), filter, after, limit);
  }

  /** Grades of one student in a date range (optionally one subject) with subject names. */
  async findStudentGrades(
    studentId: string,
    from: string,
    to: string,
    subjectId: string | null,
    p: Principal,
  ): Promise<Array<GradeRow & { subject_name: string }>> {
    const cond = gradeReadableSql(p, 'g');
    return this.run(
      `SELECT ${GRADE_COLUMNS}, sub.name AS subject_name FROM grades g JOIN subjects sub ON sub.id = g.subject_id
        WHERE g.student_id = :sStudent AND g.date BETWEEN :sFrom AND :sTo AND g.deleted_at IS NULL
          AND (CAST(:sSubject AS uuid) IS NULL OR g.subject_id = CAST(:sSubject AS uuid)) AND ${cond.sql}
        ORDER BY sub.name, g.date, g.created_at LIMIT 5000`,
      { sStudent: studentId, sFrom: from, sTo: to, sSubject: subjectId, ...cond.params },
    );
  }

  async findClassSubjectGrades(classId: string, subjectId: string, from: string, to: string): Promise<GradeRow[]> {
    return this.db.query(
      `SELECT ${GRADE_COLUMNS} FROM grades g
        WHERE g.class_id = $1 AND g.subject_id = $2 AND g.date BETWEEN $3 AND $4 AND g.deleted_at IS NULL
        ORDER BY g.date, g.created_at LIMIT 20000`,
      [classId, subjectId, from, to],
    );
  }

  // ---- attendance -------------------------------------------------------------------------------

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

  async findAttendanceOfLesson(lessonId: string, studentIds: string[]): Promise<AttendanceRow[]> {
    return this.db.query(
      `SELECT ${ATTENDANCE_COLUMNS} FROM attendance a WHERE a.lesson_id = $1 AND a.student_id = ANY($2::uuid[]) ORDER BY a.student_id`,
      [lessonId, studentIds],
    );
  }

  /** Attendance marks changed after the cursor, in commit-safe order. */
  findAttendanceFeed(p: Principal, filter: FeedFilter, after: FeedCursor, limit: number): Promise<AttendanceRow[]> {
    return this.feed<AttendanceRow>('attendance a', 'a', ATTENDANCE_COLUMNS, attendanceReadableSql(p, 'a'), filter, after, limit);
  }

  /**
   * Rows of a table stamped with change_xid (grades, attendance) after a (xid, id) cursor, oldest
   * first, held back while an older transaction may still commit (so a cursor never skips one), by the read rule `cond`.
   */
  private feed<T>(
    from: string,
    a: string,
    columns: string,
    cond: SqlCondition,
    filter: FeedFilter,
    after: FeedCursor,
    limit: number,
  ): Promise<T[]> {
    const by = filter.studentId ? `${a}.student_id = :fKey` : `${a}.class_id = :fKey`;
    return this.run<T>(
      `SELECT ${columns}, ${a}.change_xid::text AS cx FROM ${from}
        WHERE ${by} AND (CAST(:fSubject AS uuid) IS NULL OR ${a}.subject_id = CAST(:fSubject AS uuid))
          AND (${a}.change_xid, ${a}.id) > (CAST(:fXid AS bigint), CAST(:fId AS uuid)) AND ${a}.change_xid < ${SETTLED}
          AND ${cond.sql}
        ORDER BY ${a}.change_xid, ${a}.id LIMIT :fLimit`,
      {
        fKey: filter.studentId ?? filter.classId,
        fSubject: filter.subjectId ?? null,
        fXid: after.xid,
        fId: after.id,
        fLimit: limit,
        ...cond.params,
      },
    );
  }

  async findAttendanceOfLessons(lessonIds: string[]): Promise<Array<{ lesson_id: string; student_id: string; status: string }>> {
    if (lessonIds.length === 0) return [];
    return this.db.query(`SELECT lesson_id, student_id, status FROM attendance WHERE lesson_id = ANY($1::uuid[]) AND status <> 'present'`, [
      lessonIds,
    ]);
  }

  // ---- students, classes, journal -----------------------------------------------------------------

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

  /** The class if the caller may read the subject's journal in it. */
  async findJournalClass(
    p: Principal,
    classId: string,
    subjectId: string,
  ): Promise<{ id: string; school_id: string; tz: string; versions: string } | null> {
    const cond = journalReadableSql(p, 'c', ':jSubject');
    const [row] = await this.runPrepared<{ id: string; school_id: string; tz: string; versions: string }>(
      `SELECT c.id, c.school_id, COALESCE(s.timezone, r.timezone) AS tz, ${readVersionsSql('c.id')} AS versions
         FROM classes c JOIN schools s ON s.id = c.school_id JOIN regions r ON r.id = s.region_id
        WHERE c.id = :jClass AND EXISTS (SELECT 1 FROM subjects sub WHERE sub.id = :jSubject AND sub.school_id = c.school_id) AND ${cond.sql}`,
      { jClass: classId, jSubject: subjectId, ...cond.params },
    );
    return row ?? null;
  }

  /** Readable for a class feed: the class journal of any subject, or the class itself for admins. */
  async isClassFeedReadable(p: Principal, classId: string): Promise<boolean> {
    const cond = classGradeFeedReadableSql(p, 'c');
    const rows = await this.run(`SELECT 1 FROM classes c WHERE c.id = :jClass AND ${cond.sql}`, { jClass: classId, ...cond.params });
    return rows.length > 0;
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

  // ---- periods, period marks, settings ----------------------------------------------------------

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
    ) as Promise<
      Array<{ student_id: string; subject_id: string; period_id: string; scale: string; value: number; comment: string | null }>
    >;
  }

  async upsertPeriodMarks(
    tx: EntityManager,
    c: { periodId: string; classId: string; subjectId: string; scale: GradeScale; setBy: string },
    marks: Array<{ studentId: string; value: number; comment: string | null }>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO period_marks (period_id, student_id, subject_id, class_id, scale, value, comment, set_by)
       SELECT $1, i.student_id, $2, $3, $4, i.value, i.comment, $5 FROM unnest($6::uuid[], $7::smallint[], $8::text[]) AS i(student_id, value, comment)
       ON CONFLICT (student_id, subject_id, period_id) DO UPDATE
         SET value = EXCLUDED.value, scale = EXCLUDED.scale, comment = EXCLUDED.comment, class_id = EXCLUDED.class_id, set_by = EXCLUDED.set_by, updated_at = now()`,
      [
        c.periodId,
        c.subjectId,
        c.classId,
        c.scale,
        c.setBy,
        marks.map((m) => m.studentId),
        marks.map((m) => m.value),
        marks.map((m) => m.comment),
      ],
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

  async saveGrading(schoolId: string, g: SchoolGrading, by: string): Promise<void> {
    await this.db.query(
      `INSERT INTO grading_settings (school_id, scale, work_types, rounding_threshold, updated_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (school_id) DO UPDATE SET scale = $2, work_types = $3, rounding_threshold = $4, updated_by = $5, updated_at = now()`,
      [schoolId, g.scale, JSON.stringify(g.workTypes), g.roundingThreshold, by],
    );
  }

  async insertPeriod(row: Omit<PeriodRow, 'id'>): Promise<PeriodRow> {
    const [r] = await this.db.query(
      `INSERT INTO academic_periods (school_id, academic_year, kind, name, starts_on, ends_on) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${PERIOD_COLUMNS}`,
      [row.school_id, row.academic_year, row.kind, row.name, row.starts_on, row.ends_on],
    );
    return r;
  }

  async listPeriods(schoolId: string, year: number | null, limit: number, offset: number): Promise<{ rows: PeriodRow[]; total: number }> {
    const rows: Array<PeriodRow & { total: string }> = await this.db.query(
      `SELECT ${PERIOD_COLUMNS}, count(*) OVER () AS total FROM academic_periods
        WHERE school_id = $1 AND ($2::int IS NULL OR academic_year = $2) ORDER BY academic_year DESC, starts_on, kind LIMIT $3 OFFSET $4`,
      [schoolId, year, limit, offset],
    );
    return { rows, total: rows.length ? Number(rows[0].total) : 0 };
  }

  // ---- import -------------------------------------------------------------------------------------

  async findSchoolSubjects(schoolId: string): Promise<Array<{ id: string; name: string; short_name: string | null }>> {
    return this.db.query('SELECT id, name, short_name FROM subjects WHERE school_id = $1 LIMIT 500', [schoolId]);
  }

  async findTaughtSubjects(p: Principal, classId: string): Promise<Set<string>> {
    const rows: Array<{ subject_id: string }> = await this.db.query(
      'SELECT subject_id FROM teacher_assignments WHERE teacher_id = $1 AND class_id = $2',
      [p.userId, classId],
    );
    return new Set(rows.map((r) => r.subject_id));
  }

  async findClassForImport(
    p: Principal,
    classId: string,
  ): Promise<{ id: string; school_id: string; academic_year: number; tz: string } | null> {
    const teaches = teachesInClassSql(p, 'c.id');
    const [row] = await this.run<{ id: string; school_id: string; academic_year: number; tz: string }>(
      `SELECT c.id, c.school_id, c.academic_year, COALESCE(s.timezone, r.timezone) AS tz
         FROM classes c JOIN schools s ON s.id = c.school_id JOIN regions r ON r.id = s.region_id
        WHERE c.id = :iClass AND ${teaches.sql}`,
      { iClass: classId, ...teaches.params },
    );
    return row ?? null;
  }
}

export interface ChangeRow {
  id: string;
  grade_id: string;
  action: 'changed' | 'deleted';
  before: Record<string, unknown>;
  after: Record<string, unknown> | null;
  reason: string | null;
  changed_by: string;
  changed_at: Date;
  changed_by_name: string;
}
