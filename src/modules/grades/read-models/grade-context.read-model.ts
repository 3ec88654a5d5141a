/**
 * Read model of the grades module: the class, student or school a mark, a journal, a feed or an import is about, and
 * who is in the class. It reads only other modules' tables and never writes them:
 * - `classes`, `schools`, `regions`, `subjects` (schools module): the class with its school, time zone and year, that
 *   the subject belongs to the class's school, the school's subjects (an import matches subject names against them);
 * - `users`, `enrolments` (users module): the student with their current class, the current students of a class;
 * - `teacher_assignments` (teaching): the subjects the importer teaches in the class (the other checks of who
 *   teaches or administers are the rules of src/access, called here).
 * Why SQL here and not the owners' services: each lookup is one statement with the row rule (src/access) evaluated in
 * it, on the hot path of every mark, journal and feed; the rule and the context come back together.
 * Style: SqlRepository (named parameters for conditions composed with a rule, positional for fixed statements).
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlRepository } from '../../../core/database/sql-repository';
import { Principal } from '../../../common/auth/principal';
import { readVersionsSql } from '../../../core/read-cache/read-versions';
import {
  classGradeFeedReadableSql,
  gradeWritableSql,
  journalReadableSql,
  schoolAdminSql,
  schoolReadableSql,
  teachesInClassSql,
  visibleStudentSql,
} from '../../../access';

@Injectable()
export class GradeContextReadModel extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  // ---- a class -----------------------------------------------------------------------------------

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

  /** The class if the caller may read the subject's journal in it, with the read versions of its cached journal. */
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

  /** The class of a grade import, with its school, year and time zone, if the caller teaches in it. */
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

  // ---- who is in it ------------------------------------------------------------------------------

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

  /** The current students of a class, by name. */
  async findClassStudents(
    classId: string,
  ): Promise<Array<{ id: string; last_name: string; first_name: string; middle_name: string | null; login: string }>> {
    return this.db.query(
      `SELECT u.id, u.last_name, u.first_name, u.middle_name, u.login FROM enrolments e JOIN users u ON u.id = e.student_id
        WHERE e.class_id = $1 AND e.ended_at IS NULL ORDER BY u.last_name, u.first_name, u.id LIMIT 200`,
      [classId],
    );
  }

  // ---- a school ----------------------------------------------------------------------------------

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

  /** The school's subjects (a grade import matches its column names against them). */
  async findSchoolSubjects(schoolId: string): Promise<Array<{ id: string; name: string; short_name: string | null }>> {
    return this.db.query('SELECT id, name, short_name FROM subjects WHERE school_id = $1 LIMIT 500', [schoolId]);
  }

  /** The subjects the caller teaches in the class. */
  async findTaughtSubjects(p: Principal, classId: string): Promise<Set<string>> {
    const rows: Array<{ subject_id: string }> = await this.db.query(
      'SELECT subject_id FROM teacher_assignments WHERE teacher_id = $1 AND class_id = $2',
      [p.userId, classId],
    );
    return new Set(rows.map((r) => r.subject_id));
  }
}
