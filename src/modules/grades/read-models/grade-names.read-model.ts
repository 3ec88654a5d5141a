/**
 * Read model of the grades module: marks and their corrections as the views show them, with the names of who and
 * what. Besides the module's own `grades` and `grade_changes` it reads, and never writes:
 * - `users` (users module): the short name of whoever entered a mark or changed it;
 * - `subjects` (schools module): the subject name each of a student's marks is listed under.
 * Why a join and not the owners' services: a student's marks and a mark's history are one query each with the names
 * in them (the read rule of src/access evaluated in the same statement), instead of one more query per module.
 * Style: SqlRepository (named parameters for conditions composed with a rule, positional for fixed statements).
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlRepository } from '../../../core/database/sql-repository';
import { Principal } from '../../../common/auth/principal';
import { ChangeRow, GRADE_COLUMNS, GradeRow, shortName } from '../grade-rows';
import { gradeReadableSql } from '../../../access';

@Injectable()
export class GradeNamesReadModel extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  /** A mark the caller may read, with who entered it. */
  async findReadableGrade(p: Principal, id: string): Promise<(GradeRow & { entered_by_name: string }) | null> {
    const cond = gradeReadableSql(p, 'g');
    const [row] = await this.run<GradeRow & { entered_by_name: string }>(
      `SELECT ${GRADE_COLUMNS}, ${shortName('u')} AS entered_by_name FROM grades g JOIN users u ON u.id = g.entered_by
        WHERE g.id = :gId AND ${cond.sql}`,
      { gId: id, ...cond.params },
    );
    return row ?? null;
  }

  /** The corrections of a mark, oldest first, with who made each. */
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
}
