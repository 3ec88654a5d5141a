/**
 * Read model of the schedule module: what a timetable view or write is about, checked by the rules of src/access in the
 * same query. It reads tables of other modules and never writes them:
 * - `classes`, `schools`, `regions` (schools module): the class of a timetable, its school and the school's time zone;
 *   `subjects` (schools module): that the subjects of new lessons belong to the school;
 * - `users`, `enrolments` (users module): the student of a week view and their current class, the teacher of a week
 *   view, that the teachers of new lessons teach at the school.
 * Why a join and not the owners' services: each answers in one query both whether the caller may see (or change) the
 * row and what the view needs of it (time zone, class, read versions); through the services it would be a query for
 * the row, one for its school and one for the rule.
 * Style: SqlRepository (named parameters, composed with the rules).
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { classReadableSql, classTimetableWritableSql, teacherReadableSql, visibleStudentSql } from '../../../access';
import { Principal } from '../../../common/auth/principal';
import { SqlRepository } from '../../../core/database/sql-repository';
import { readVersionsSql } from '../../../core/read-cache/read-versions';

/** The time zone of the school `schoolIdExpr` (its own, else its region's), as a scalar subquery. */
export const schoolTimezoneSql = (schoolIdExpr: string): string =>
  `(SELECT COALESCE(s.timezone, r.timezone) FROM schools s JOIN regions r ON r.id = s.region_id WHERE s.id = ${schoolIdExpr})`;

@Injectable()
export class TimetableContextReadModel extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  /** A class with its school's time zone, if the caller administers the school. */
  async findClassForAdmin(p: Principal, classId: string): Promise<{ id: string; school_id: string; tz: string } | null> {
    const admin = classTimetableWritableSql(p, 'c');
    const [row] = await this.run<{ id: string; school_id: string; tz: string }>(
      `SELECT c.id, c.school_id, COALESCE(s.timezone, r.timezone) AS tz
         FROM classes c JOIN schools s ON s.id = c.school_id JOIN regions r ON r.id = s.region_id
        WHERE c.id = :classId AND ${admin.sql}`,
      { classId, ...admin.params },
    );
    return row ?? null;
  }

  /** Which of the ids are subjects of the school, and which are teachers of it. */
  async findSchoolRefs(
    schoolId: string,
    subjectIds: string[],
    teacherIds: string[],
  ): Promise<{ subjects: Set<string>; teachers: Set<string> }> {
    const rows: Array<{ kind: string; id: string }> = await this.db.query(
      `SELECT 'subject' AS kind, id FROM subjects WHERE school_id = $1 AND id = ANY($2::uuid[])
       UNION ALL
       SELECT 'teacher', id FROM users WHERE school_id = $1 AND id = ANY($3::uuid[]) AND 'teacher' = ANY(roles) AND status = 'active'`,
      [schoolId, subjectIds, teacherIds],
    );
    return {
      subjects: new Set(rows.filter((r) => r.kind === 'subject').map((r) => r.id)),
      teachers: new Set(rows.filter((r) => r.kind === 'teacher').map((r) => r.id)),
    };
  }

  async isClassReadable(p: Principal, classId: string): Promise<{ id: string; tz: string } | null> {
    const cond = classReadableSql(p, 'c.id');
    const [row] = await this.run<{ id: string; tz: string }>(
      `SELECT c.id, COALESCE(s.timezone, r.timezone) AS tz FROM classes c JOIN schools s ON s.id = c.school_id JOIN regions r ON r.id = s.region_id
        WHERE c.id = :classId AND ${cond.sql}`,
      { classId, ...cond.params },
    );
    return row ?? null;
  }

  /** The student if the caller may see them, with their class, time zone and the read versions of both. */
  async findStudentContext(
    p: Principal,
    studentId: string,
  ): Promise<{ id: string; class_id: string | null; tz: string; versions: string } | null> {
    const visible = visibleStudentSql(p, 'u');
    const [row] = await this.runPrepared<{ id: string; class_id: string | null; tz: string; versions: string }>(
      `SELECT u.id, e.class_id, COALESCE(s.timezone, r.timezone) AS tz, ${readVersionsSql('e.class_id', 'u.id')} AS versions
         FROM users u
         JOIN schools s ON s.id = u.school_id JOIN regions r ON r.id = s.region_id
         LEFT JOIN enrolments e ON e.student_id = u.id AND e.ended_at IS NULL
        WHERE u.id = :studentId AND 'student' = ANY(u.roles) AND ${visible.sql}`,
      { studentId, ...visible.params },
    );
    return row ?? null;
  }

  async findTeacherContext(p: Principal, teacherId: string): Promise<{ id: string; tz: string } | null> {
    const cond = teacherReadableSql(p, 'u');
    const [row] = await this.run<{ id: string; tz: string }>(
      `SELECT u.id, COALESCE(s.timezone, r.timezone) AS tz
         FROM users u JOIN schools s ON s.id = u.school_id JOIN regions r ON r.id = s.region_id
        WHERE u.id = :teacherId AND 'teacher' = ANY(u.roles) AND ${cond.sql}`,
      { teacherId, ...cond.params },
    );
    return row ?? null;
  }
}
