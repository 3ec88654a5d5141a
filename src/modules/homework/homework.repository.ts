import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SqlRepository } from '../../core/database/sql-repository';
import { afterCursorSql, cursorParams, FeedPosition, feedOrderSql } from '../../core/feeds/feed-cursor';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { ReceivedFile } from '../../core/storage/upload-receiver';
import {
  homeworkAssignableSql,
  homeworkReadableSql,
  homeworkReviewableSql,
  homeworkSubmittableSql,
  homeworkWritableSql,
  SqlCondition,
  studentWorkReadableSql,
} from '../../access';

export interface HomeworkRow {
  id: string;
  school_id: string;
  class_id: string;
  subject_id: string;
  lesson_id: string | null;
  teacher_id: string;
  text: string;
  due_date: string;
  due_at: Date;
  created_at: Date;
  updated_at: Date;
  tz?: string;
}

export interface FileRow {
  id: string;
  homework_id: string | null;
  submission_id: string | null;
  storage_key: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
}

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

const HW_COLUMNS = `h.id, h.school_id, h.class_id, h.subject_id, h.lesson_id, h.teacher_id, h.text, to_char(h.due_date, 'YYYY-MM-DD') AS due_date,
  h.due_at, h.created_at, h.updated_at`;
const FILE_COLUMNS = 'f.id, f.homework_id, f.submission_id, f.storage_key, f.file_name, f.content_type, f.size_bytes';
const shortName = (u: string): string =>
  `${u}.last_name || ' ' || left(${u}.first_name, 1) || '.' || COALESCE(' ' || left(${u}.middle_name, 1) || '.', '')`;
const SUBMISSION_SELECT = `s.id, :sHomework::uuid AS homework_id, u.id AS student_id, ${shortName('u')} AS student_name, s.text, s.status, s.submitted_at,
  s.attempt, s.teacher_comment, s.grade_id, g.value AS grade_value, g.scale AS grade_scale`;

/** Homework, submissions, files and comments; reads scoped in SQL. */
@Injectable()
export class HomeworkRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

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

  async insertHomework(tx: EntityManager, r: Omit<HomeworkRow, 'id' | 'created_at' | 'updated_at'>): Promise<string> {
    const [row] = await tx.query(
      `INSERT INTO homework (school_id, class_id, subject_id, lesson_id, teacher_id, text, due_date, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [r.school_id, r.class_id, r.subject_id, r.lesson_id, r.teacher_id, r.text, r.due_date, r.due_at],
    );
    return row.id;
  }

  async findHomework(id: string, cond: SqlCondition, manager?: EntityManager, lock = false): Promise<HomeworkRow | null> {
    const [row] = await this.run<HomeworkRow>(
      `SELECT ${HW_COLUMNS}, (SELECT COALESCE(s.timezone, r.timezone) FROM schools s JOIN regions r ON r.id = s.region_id WHERE s.id = h.school_id) AS tz
         FROM homework h WHERE h.id = :hId AND ${cond.sql} ${lock ? 'FOR UPDATE OF h' : ''}`,
      { hId: id, ...cond.params },
      manager,
    );
    return row ?? null;
  }

  findReadable = (p: Principal, id: string): Promise<HomeworkRow | null> => this.findHomework(id, homeworkReadableSql(p, 'h'));
  findWritable = (p: Principal, id: string, tx?: EntityManager): Promise<HomeworkRow | null> =>
    this.findHomework(id, homeworkWritableSql(p, 'h'), tx, !!tx);
  findReviewable = (p: Principal, id: string): Promise<HomeworkRow | null> => this.findHomework(id, homeworkReviewableSql(p, 'h'));
  findSubmittable = (p: Principal, id: string): Promise<HomeworkRow | null> => this.findHomework(id, homeworkSubmittableSql(p, 'h'));

  async updateHomework(tx: EntityManager, id: string, patch: { text: string; dueDate: string; dueAt: Date }): Promise<void> {
    await tx.query('UPDATE homework SET text = $2, due_date = $3, due_at = $4, updated_at = now() WHERE id = $1', [
      id,
      patch.text,
      patch.dueDate,
      patch.dueAt,
    ]);
  }

  /** Deletes the homework (cascading to submissions, files, comments); returns the storage keys to remove after commit. */
  async deleteHomework(tx: EntityManager, id: string): Promise<string[]> {
    const keys: Array<{ storage_key: string }> = await tx.query(
      `SELECT f.storage_key FROM homework_files f LEFT JOIN homework_submissions s ON s.id = f.submission_id
        WHERE f.homework_id = $1 OR s.homework_id = $1`,
      [id],
    );
    await tx.query('DELETE FROM homework WHERE id = $1', [id]);
    return keys.map((k) => k.storage_key);
  }

  async listForClass(
    p: Principal,
    q: { classId: string; subjectId?: string; from?: string; to?: string; limit: number; offset: number },
  ): Promise<{ rows: HomeworkRow[]; total: number }> {
    const cond = homeworkReadableSql(p, 'h');
    const rows = await this.run<HomeworkRow & { total: string }>(
      `SELECT ${HW_COLUMNS}, count(*) OVER () AS total FROM homework h
        WHERE h.class_id = :lClass AND (CAST(:lSubject AS uuid) IS NULL OR h.subject_id = CAST(:lSubject AS uuid))
          AND (CAST(:lFrom AS date) IS NULL OR h.due_date >= CAST(:lFrom AS date)) AND (CAST(:lTo AS date) IS NULL OR h.due_date <= CAST(:lTo AS date))
          AND ${cond.sql}
        ORDER BY h.due_date DESC, h.created_at DESC LIMIT :lLimit OFFSET :lOffset`,
      {
        lClass: q.classId,
        lSubject: q.subjectId ?? null,
        lFrom: q.from ?? null,
        lTo: q.to ?? null,
        lLimit: q.limit,
        lOffset: q.offset,
        ...cond.params,
      },
    );
    return { rows, total: rows.length ? Number(rows[0].total) : 0 };
  }

  /** Homework of a class created or changed after the feed cursor (attachments included), oldest change first, by the read rule. */
  async findChanges(p: Principal, classId: string, after: FeedPosition, limit: number): Promise<Array<HomeworkRow & { cx: string }>> {
    const cond = homeworkReadableSql(p, 'h');
    return this.run(
      `SELECT ${HW_COLUMNS}, h.change_xid::text AS cx FROM homework h
        WHERE h.class_id = :fClass AND ${afterCursorSql('h.change_xid', 'h.id::text')} AND ${cond.sql}
        ORDER BY ${feedOrderSql('h.change_xid', 'h.id::text')} LIMIT :fLimit`,
      { fClass: classId, fLimit: limit, ...cursorParams(after), ...cond.params },
    );
  }

  async insertFiles(
    tx: EntityManager,
    owner: { homeworkId?: string; submissionId?: string },
    files: ReceivedFile[],
    by: string,
  ): Promise<void> {
    if (files.length === 0) return;
    await tx.query(
      `INSERT INTO homework_files (homework_id, submission_id, storage_key, file_name, content_type, size_bytes, uploaded_by)
       SELECT $1::uuid, $2::uuid, * FROM unnest($3::text[], $4::text[], $5::text[], $6::int[]) AS f, (SELECT $7::uuid) AS u`,
      [
        owner.homeworkId ?? null,
        owner.submissionId ?? null,
        files.map((f) => f.key),
        files.map((f) => f.originalName),
        files.map((f) => f.contentType),
        files.map((f) => f.size),
        by,
      ],
    );
  }

  async filesOf(owner: 'homework' | 'submission', ids: string[]): Promise<FileRow[]> {
    if (ids.length === 0) return [];
    return this.db.query(
      `SELECT ${FILE_COLUMNS} FROM homework_files f WHERE f.${owner === 'homework' ? 'homework_id' : 'submission_id'} = ANY($1::uuid[]) ORDER BY f.created_at, f.id`,
      [ids],
    );
  }

  async deleteFile(tx: EntityManager, homeworkId: string, fileId: string): Promise<string | null> {
    const [row] = await tx.query(
      'WITH d AS (DELETE FROM homework_files WHERE id = $1 AND homework_id = $2 RETURNING storage_key) SELECT storage_key FROM d',
      [fileId, homeworkId],
    );
    return row?.storage_key ?? null;
  }

  /** A file the caller may download: a homework attachment of a readable class, or a submission file of readable student work. */
  async findDownloadableFile(p: Principal, fileId: string): Promise<FileRow | null> {
    const hw = homeworkReadableSql(p, 'h');
    const work = studentWorkReadableSql(p, 'h', 's.student_id');
    const [row] = await this.run<FileRow>(
      `SELECT ${FILE_COLUMNS} FROM homework_files f
         LEFT JOIN homework_submissions s ON s.id = f.submission_id
         JOIN homework h ON h.id = COALESCE(f.homework_id, s.homework_id)
        WHERE f.id = :dFile AND ((f.homework_id IS NOT NULL AND ${hw.sql}) OR (f.submission_id IS NOT NULL AND ${work.sql}))`,
      { dFile: fileId, ...hw.params, ...work.params },
    );
    return row ?? null;
  }

  // ---- submissions -----------------------------------------------------------------------------

  async isCurrentStudentOf(classId: string, studentId: string, manager?: EntityManager): Promise<boolean> {
    const rows = await (manager ?? this.db.manager).query(
      'SELECT 1 FROM enrolments WHERE class_id = $1 AND student_id = $2 AND ended_at IS NULL',
      [classId, studentId],
    );
    return rows.length > 0;
  }

  async lockSubmission(tx: EntityManager, homeworkId: string, studentId: string) {
    const [row] = await tx.query(
      'SELECT id, status, attempt, submitted_at FROM homework_submissions WHERE homework_id = $1 AND student_id = $2 FOR UPDATE',
      [homeworkId, studentId],
    );
    return (row ?? null) as { id: string; status: 'submitted' | 'returned' | 'graded'; attempt: number; submitted_at: Date } | null;
  }

  async peekSubmissionStatus(homeworkId: string, studentId: string): Promise<string | null> {
    const [row] = await this.db.query('SELECT status FROM homework_submissions WHERE homework_id = $1 AND student_id = $2', [
      homeworkId,
      studentId,
    ]);
    return row?.status ?? null;
  }

  async insertSubmission(tx: EntityManager, homeworkId: string, studentId: string, text: string | null): Promise<string> {
    const [row] = await tx.query(
      `INSERT INTO homework_submissions (homework_id, student_id, text, status, submitted_at) VALUES ($1, $2, $3, 'submitted', now()) RETURNING id`,
      [homeworkId, studentId, text],
    );
    return row.id;
  }

  /** A resubmission after a return: new text, new submit time, next attempt; the old files are replaced. */
  async resubmit(tx: EntityManager, id: string, text: string | null): Promise<string[]> {
    await tx.query(
      `UPDATE homework_submissions SET text = $2, status = 'submitted', submitted_at = now(), attempt = attempt + 1, updated_at = now() WHERE id = $1`,
      [id, text],
    );
    const removed: Array<{ storage_key: string }> = await tx.query(
      'WITH d AS (DELETE FROM homework_files WHERE submission_id = $1 RETURNING storage_key) SELECT storage_key FROM d',
      [id],
    );
    return removed.map((r) => r.storage_key);
  }

  async setReview(
    tx: EntityManager,
    id: string,
    r: { status: 'returned' | 'graded'; comment: string | null; gradeId?: string; by: string },
  ): Promise<void> {
    await tx.query(
      `UPDATE homework_submissions SET status = $2, teacher_comment = COALESCE($3, teacher_comment), grade_id = COALESCE($4, grade_id),
              reviewed_by = $5, reviewed_at = now(), updated_at = now() WHERE id = $1`,
      [id, r.status, r.comment, r.gradeId ?? null, r.by],
    );
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

  /** Whether the caller may read this student's work on the homework. */
  async canReadStudentWork(p: Principal, homeworkId: string, studentId: string): Promise<boolean> {
    const cond = studentWorkReadableSql(p, 'h', 'CAST(:wStudent AS uuid)');
    const rows = await this.run(`SELECT 1 FROM homework h WHERE h.id = :wHomework AND ${cond.sql}`, {
      wHomework: homeworkId,
      wStudent: studentId,
      ...cond.params,
    });
    return rows.length > 0;
  }

  // ---- comments ----------------------------------------------------------------------------------

  async insertComment(tx: EntityManager, homeworkId: string, studentId: string, authorId: string, body: string): Promise<string> {
    const [row] = await tx.query(
      'INSERT INTO homework_comments (homework_id, student_id, author_id, body) VALUES ($1, $2, $3, $4) RETURNING id',
      [homeworkId, studentId, authorId, body],
    );
    return row.id;
  }

  async findComments(homeworkId: string, studentId: string, limit: number, offset: number) {
    const rows: Array<{
      id: string;
      student_id: string;
      author_id: string;
      author_name: string;
      body: string;
      created_at: Date;
      total: string;
    }> = await this.db.query(
      `SELECT c.id, c.student_id, c.author_id, ${shortName('u')} AS author_name, c.body, c.created_at, count(*) OVER () AS total
         FROM homework_comments c JOIN users u ON u.id = c.author_id
        WHERE c.homework_id = $1 AND c.student_id = $2 ORDER BY c.created_at, c.id LIMIT $3 OFFSET $4`,
      [homeworkId, studentId, limit, offset],
    );
    return { rows, total: rows.length ? Number(rows[0].total) : 0 };
  }

  async childrenOf(parentId: string): Promise<string[]> {
    const rows: Array<{ child_id: string }> = await this.db.query('SELECT child_id FROM parent_children WHERE parent_id = $1', [parentId]);
    return rows.map((r) => r.child_id);
  }
}
