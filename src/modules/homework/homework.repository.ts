import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SqlRepository } from '../../core/database/sql-repository';
import { afterCursorSql, cursorParams, FeedPosition, feedOrderSql } from '../../core/feeds/feed-cursor';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { ReceivedFile } from '../../core/storage/upload-receiver';
import {
  currentStudentWorkSql,
  homeworkReadableSql,
  homeworkReviewableSql,
  homeworkSubmittableSql,
  homeworkWritableSql,
  SqlCondition,
  studentWorkReadableSql,
} from '../../access';
import { schoolTimezoneSql } from './read-models/class-work.read-model';

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

const HW_COLUMNS = `h.id, h.school_id, h.class_id, h.subject_id, h.lesson_id, h.teacher_id, h.text, to_char(h.due_date, 'YYYY-MM-DD') AS due_date,
  h.due_at, h.created_at, h.updated_at`;
const FILE_COLUMNS = 'f.id, f.homework_id, f.submission_id, f.storage_key, f.file_name, f.content_type, f.size_bytes';
/**
 * SQL of homework, homework_submissions, homework_files and homework_comments (homework is their only writer); reads
 * scoped in SQL by the rules of src/access/homework.access.ts. What is read from other modules' tables is in read-models/class-work.read-model.ts.
 * Style: SqlRepository (named parameters for conditions composed with a policy, positional for fixed statements); writes
 * take the service's transaction, the service opens it.
 */
@Injectable()
export class HomeworkRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
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
      `SELECT ${HW_COLUMNS}, ${schoolTimezoneSql('h.school_id')} AS tz
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

  /** The caller may read this student's work and the student is a current student of the class (`currentStudentWorkSql`). */
  async isCurrentStudentWork(p: Principal, homeworkId: string, studentId: string): Promise<boolean> {
    const cond = currentStudentWorkSql(p, 'h', 'CAST(:wStudent AS uuid)');
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
}
