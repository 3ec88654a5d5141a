/**
 * Read model of homework: the class a task is set for and the students whose work it collects. It reads other modules'
 * tables and never writes them:
 * - `classes`, `schools`, `regions` (schools module): the class of a new task and the school's time zone (the due day
 *   ends at midnight school time);
 * - `teacher_assignments` (teaching): only through `homeworkAssignableSql` (src/access/homework.access.ts), whether the teacher teaches the
 *   subject in that class;
 * - `enrolments`, `parent_children`, `users` (users module): the current students of the class, a parent's children,
 *   the short names of students and comment authors;
 * - `grades` (grades module): the value and scale of the mark a graded submission carries.
 * Joined with homework's own `homework_submissions` and `homework_comments` where a list is ordered by name or needs
 * the mark: the join is the fast path (one query per page, every current student listed with or without a submission).
 * Style: SqlRepository (named parameters for conditions composed with a policy, positional for fixed statements).
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../../../common/auth/principal';
import { SqlRepository } from '../../../core/database/sql-repository';
import { homeworkAssignableSql } from '../../../access';

export interface SubmissionRow {
  id: string | null;
  homework_id: string;
  student_id: string;
  student_name: string;
  text: string | null;
  status: 'submitted' | 'returned' | 'graded' | null;
  submitted_at: Date | null;
  attempt: number | null;
  teacher_comment: string | null;
  grade_id: string | null;
  grade_value: number | null;
  grade_scale: string | null;
}

export interface CommentRow {
  id: string;
  student_id: string;
  author_id: string;
  author_name: string;
  body: string;
  created_at: Date;
}

/** The time zone of the school `schoolIdExpr` (its own, else its region's), as a scalar subquery. */
export const schoolTimezoneSql = (schoolIdExpr: string): string =>
  `(SELECT COALESCE(s.timezone, r.timezone) FROM schools s JOIN regions r ON r.id = s.region_id WHERE s.id = ${schoolIdExpr})`;

const shortName = (u: string): string =>
  `${u}.last_name || ' ' || left(${u}.first_name, 1) || '.' || COALESCE(' ' || left(${u}.middle_name, 1) || '.', '')`;
const SUBMISSION_SELECT = `s.id, :sHomework::uuid AS homework_id, u.id AS student_id, ${shortName('u')} AS student_name, s.text, s.status, s.submitted_at,
  s.attempt, s.teacher_comment, s.grade_id, g.value AS grade_value, g.scale AS grade_scale`;

@Injectable()
export class ClassWorkReadModel extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  /** The class, if the teacher teaches the subject in it, with its school and the school's time zone. */
  async findClassForTeacher(
    p: Principal,
    classId: string,
    subjectId: string,
  ): Promise<{ id: string; school_id: string; tz: string } | null> {
    const t = homeworkAssignableSql(p, 'c.id', ':hSubject');
    const [row] = await this.run<{ id: string; school_id: string; tz: string }>(
      `SELECT c.id, c.school_id, COALESCE(s.timezone, r.timezone) AS tz FROM classes c JOIN schools s ON s.id = c.school_id JOIN regions r ON r.id = s.region_id
        WHERE c.id = :hClass AND ${t.sql}`,
      { hClass: classId, hSubject: subjectId, ...t.params },
    );
    return row ?? null;
  }

  /** The parent's children who are current students of the class. */
  async childrenInClass(parentId: string, classId: string): Promise<string[]> {
    const rows: Array<{ child_id: string }> = await this.db.query(
      `SELECT DISTINCT pc.child_id FROM parent_children pc
         JOIN enrolments e ON e.student_id = pc.child_id AND e.class_id = $2 AND e.ended_at IS NULL
        WHERE pc.parent_id = $1 ORDER BY pc.child_id`,
      [parentId, classId],
    );
    return rows.map((r) => r.child_id);
  }

  /** Every current student of the class with their submission (or none), by name. */
  async findSubmissionsOfClass(
    homeworkId: string,
    classId: string,
    limit: number,
    offset: number,
  ): Promise<{ rows: SubmissionRow[]; total: number }> {
    const rows = await this.run<SubmissionRow & { total: string }>(
      `SELECT ${SUBMISSION_SELECT}, count(*) OVER () AS total
         FROM enrolments e JOIN users u ON u.id = e.student_id
         LEFT JOIN homework_submissions s ON s.homework_id = :sHomework AND s.student_id = u.id
         LEFT JOIN grades g ON g.id = s.grade_id
        WHERE e.class_id = :sClass AND e.ended_at IS NULL
        ORDER BY u.last_name, u.first_name, u.id LIMIT :sLimit OFFSET :sOffset`,
      { sHomework: homeworkId, sClass: classId, sLimit: limit, sOffset: offset },
    );
    return { rows, total: rows.length ? Number(rows[0].total) : 0 };
  }

  async findSubmissionOf(homeworkId: string, studentId: string): Promise<SubmissionRow | null> {
    const [row] = await this.run<SubmissionRow>(
      `SELECT ${SUBMISSION_SELECT} FROM users u
         LEFT JOIN homework_submissions s ON s.homework_id = :sHomework AND s.student_id = u.id
         LEFT JOIN grades g ON g.id = s.grade_id
        WHERE u.id = :sStudent`,
      { sHomework: homeworkId, sStudent: studentId },
    );
    return row ?? null;
  }

  /** The comment thread on a student's work, oldest first, with the authors' short names. */
  async findComments(homeworkId: string, studentId: string, limit: number, offset: number): Promise<{ rows: CommentRow[]; total: number }> {
    const rows: Array<CommentRow & { total: string }> = await this.db.query(
      `SELECT c.id, c.student_id, c.author_id, ${shortName('u')} AS author_name, c.body, c.created_at, count(*) OVER () AS total
         FROM homework_comments c JOIN users u ON u.id = c.author_id
        WHERE c.homework_id = $1 AND c.student_id = $2 ORDER BY c.created_at, c.id LIMIT $3 OFFSET $4`,
      [homeworkId, studentId, limit, offset],
    );
    return { rows, total: rows.length ? Number(rows[0].total) : 0 };
  }
}
