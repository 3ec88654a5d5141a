import { Inject, Injectable, Logger } from '@nestjs/common';
import { FeedPage, oneFeedTarget, readFeedPage } from '../../core/feeds/feed-cursor';
import { TombstoneReader } from '../../core/feeds/tombstone-reader';
import { loggable } from '../../core/logging/loggable';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { hasRole, Principal } from '../../common/auth/principal';
import { pageCursor } from '../../common/pagination/cursor';
import { Role } from '../../common/auth/role';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { StorageErrors } from '../../core/storage/storage.errors';
import { FILE_STORAGE, FileStorage } from '../../core/storage/storage.types';
import { ReceivedFile, UploadReceiver, UploadSpec } from '../../core/storage/upload-receiver';
import { OutboxService } from '../events/outbox.service';
import { toApiValue } from '../grades/grading-rules';
import { GradeEntryService } from '../grades/grade-entry.service';
import { ScheduleErrors } from '../schedule/schedule.errors';
import { ScheduleService } from '../schedule/schedule.service';
import { addDays, localDate, zonedToUtc } from '../schedule/school-time';
import { SchoolsErrors } from '../schools/schools.errors';
import { UsersErrors } from '../users/users.errors';
import {
  CommentPage,
  CommentView,
  CreateCommentDto,
  CreateHomeworkDto,
  FileView,
  GradeSubmissionDto,
  HomeworkPage,
  HomeworkView,
  ListHomeworkQueryDto,
  ReturnSubmissionDto,
  SubmissionPage,
  SubmissionView,
  SubmitFieldsDto,
  UpdateHomeworkDto,
} from './dto/homework.dto';
import { HomeworkFeedItem, HomeworkFeedQueryDto } from './dto/homework-feed.dto';
import { HomeworkErrors } from './homework.errors';
import { FileRow, HomeworkRepository, HomeworkRow, SubmissionRow } from './homework.repository';

/** Homework: tasks with attachments, submissions with files, review (return, grade), comment threads, downloads. */
@Injectable()
export class HomeworkService {
  private readonly logger = new Logger(HomeworkService.name);

  constructor(
    private readonly repo: HomeworkRepository,
    private readonly schedule: ScheduleService,
    private readonly grades: GradeEntryService,
    private readonly outbox: OutboxService,
    private readonly uploads: UploadReceiver,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tombstones: TombstoneReader,
  ) {}

  private uploadSpec(area: string): UploadSpec {
    const d = this.config.diary;
    return { field: 'files', maxFiles: d.uploadMaxFiles, maxBytes: d.uploadMaxFileBytes, allowed: d.uploadAllowedTypes, area };
  }

  // ---- the teacher's side ------------------------------------------------------------------------

  async create(p: Principal, dto: CreateHomeworkDto): Promise<HomeworkView> {
    const cls = await this.repo.findClassForTeacher(p, dto.classId, dto.subjectId);
    if (!cls) throw SchoolsErrors.classNotFound();
    if (dto.lessonId) {
      const lesson = await this.schedule.lessonFacts(dto.lessonId);
      if (!lesson || lesson.classId !== dto.classId || lesson.subjectId !== dto.subjectId) throw ScheduleErrors.lessonNotFound();
      if (dto.dueDate < lesson.date) throw HomeworkErrors.invalid('dueDate', 'Срок сдачи раньше урока, на котором задано задание');
    }
    const id = await this.repo.transaction(async (tx) => {
      const hid = await this.repo.insertHomework(tx, {
        school_id: cls.school_id,
        class_id: dto.classId,
        subject_id: dto.subjectId,
        lesson_id: dto.lessonId ?? null,
        teacher_id: p.userId,
        text: dto.text,
        due_date: dto.dueDate,
        due_at: endOfDay(dto.dueDate, cls.tz),
      });
      await this.outbox.record(tx, {
        type: 'homework.created',
        aggregateType: 'homework',
        aggregateId: hid,
        schoolId: cls.school_id,
        actorId: p.userId,
        payload: { homeworkId: hid, classId: dto.classId, subjectId: dto.subjectId, lessonId: dto.lessonId ?? null, dueDate: dto.dueDate },
        idempotencyKey: `homework.created:${hid}`,
      });
      return hid;
    });
    return this.view(id);
  }

  async update(p: Principal, id: string, dto: UpdateHomeworkDto): Promise<HomeworkView> {
    await this.repo.transaction(async (tx) => {
      const h = await this.repo.findWritable(p, id, tx);
      if (!h) throw HomeworkErrors.homeworkNotFound();
      const dueDate = dto.dueDate ?? h.due_date;
      await this.repo.updateHomework(tx, id, { text: dto.text ?? h.text, dueDate, dueAt: endOfDay(dueDate, h.tz!) });
    });
    return this.view(id);
  }

  async remove(p: Principal, id: string): Promise<void> {
    const keys = await this.repo.transaction(async (tx) => {
      if (!(await this.repo.findWritable(p, id, tx))) throw HomeworkErrors.homeworkNotFound();
      return this.repo.deleteHomework(tx, id);
    });
    await this.removeStored(keys);
  }

  async addAttachments(p: Principal, id: string, req: Request, res: Response): Promise<HomeworkView> {
    if (!(await this.repo.findWritable(p, id))) throw HomeworkErrors.homeworkNotFound();
    const { files } = await this.uploads.receive(req, res, { ...this.uploadSpec('homework'), required: true });
    try {
      await this.repo.transaction(async (tx) => {
        if (!(await this.repo.findWritable(p, id, tx))) throw HomeworkErrors.homeworkNotFound();
        await this.repo.insertFiles(tx, { homeworkId: id }, files, p.userId);
      });
    } catch (e) {
      await this.uploads.discard(files);
      throw e;
    }
    return this.view(id);
  }

  async removeAttachment(p: Principal, id: string, fileId: string): Promise<HomeworkView> {
    const key = await this.repo.transaction(async (tx) => {
      if (!(await this.repo.findWritable(p, id, tx))) throw HomeworkErrors.homeworkNotFound();
      const k = await this.repo.deleteFile(tx, id, fileId);
      if (!k) throw StorageErrors.fileNotFound();
      return k;
    });
    await this.removeStored([key]);
    return this.view(id);
  }

  /** Per-student status of a homework for its teacher (and the class teacher, admins). */
  async submissions(p: Principal, id: string, q: { limit: number; offset: number }): Promise<SubmissionPage> {
    const h = await this.repo.findReviewable(p, id);
    if (!h) throw HomeworkErrors.homeworkNotFound();
    const { rows, total } = await this.repo.findSubmissionsOfClass(id, h.class_id, q.limit, q.offset);
    const files = await this.repo.filesOf(
      'submission',
      rows.map((r) => r.id).filter((x): x is string => !!x),
    );
    return { items: rows.map((r) => toSubmissionView(r, h, files)), total, limit: q.limit, offset: q.offset };
  }

  async returnSubmission(p: Principal, id: string, studentId: string, dto: ReturnSubmissionDto): Promise<SubmissionView> {
    await this.repo.transaction(async (tx) => {
      const h = await this.repo.findWritable(p, id, tx);
      if (!h) throw HomeworkErrors.homeworkNotFound();
      const s = await this.repo.lockSubmission(tx, id, studentId);
      if (!s) throw HomeworkErrors.notSubmitted();
      await this.repo.setReview(tx, s.id, { status: 'returned', comment: dto.comment, by: p.userId });
      await this.outbox.record(tx, {
        type: 'homework.returned',
        aggregateType: 'homework_submission',
        aggregateId: s.id,
        schoolId: h.school_id,
        actorId: p.userId,
        payload: { homeworkId: id, submissionId: s.id, studentId, classId: h.class_id, subjectId: h.subject_id, attempt: s.attempt },
        idempotencyKey: `homework.returned:${s.id}:${s.attempt}`,
      });
    });
    return this.submission(p, id, studentId);
  }

  /** Grades a submission: the mark goes into the journal as a homework-type grade (one per submission). */
  async gradeSubmission(p: Principal, id: string, studentId: string, dto: GradeSubmissionDto): Promise<SubmissionView> {
    await this.repo.transaction(async (tx) => {
      const h = await this.repo.findWritable(p, id, tx);
      if (!h) throw HomeworkErrors.homeworkNotFound();
      const s = await this.repo.lockSubmission(tx, id, studentId);
      if (!s) throw HomeworkErrors.notSubmitted();
      const today = localDate(new Date(), h.tz!);
      const grade = await this.grades.recordHomeworkGrade(tx, {
        submissionId: s.id,
        schoolId: h.school_id,
        studentId,
        classId: h.class_id,
        subjectId: h.subject_id,
        lessonId: null,
        date: h.due_date <= today ? h.due_date : today,
        value: dto.value,
        actorId: p.userId,
      });
      await this.repo.setReview(tx, s.id, { status: 'graded', comment: dto.comment ?? null, gradeId: grade.id, by: p.userId });
      await this.outbox.record(tx, {
        type: 'homework.graded',
        aggregateType: 'homework_submission',
        aggregateId: s.id,
        schoolId: h.school_id,
        actorId: p.userId,
        payload: {
          homeworkId: id,
          submissionId: s.id,
          studentId,
          classId: h.class_id,
          subjectId: h.subject_id,
          gradeId: grade.id,
          value: grade.value,
          version: grade.version,
        },
        idempotencyKey: `homework.graded:${s.id}:${grade.id}:${grade.version}`,
      });
    });
    return this.submission(p, id, studentId);
  }

  // ---- everyone's reads ------------------------------------------------------------------------------

  async get(p: Principal, id: string): Promise<HomeworkView> {
    const h = await this.repo.findReadable(p, id);
    if (!h) throw HomeworkErrors.homeworkNotFound();
    return toView(h, await this.repo.filesOf('homework', [id]));
  }

  async list(p: Principal, q: ListHomeworkQueryDto): Promise<HomeworkPage> {
    if (!(await this.schedule.readableClass(p, q.classId))) throw SchoolsErrors.classNotFound();
    const { rows, total } = await this.repo.listForClass(p, q);
    const files = await this.repo.filesOf(
      'homework',
      rows.map((r) => r.id),
    );
    return { items: rows.map((h) => toView(h, files)), total, limit: q.limit, offset: q.offset };
  }

  /**
   * Homework of a class (or of a student's current class) set, changed or deleted since the cursor: the same rule as
   * the class's homework list (whoever may read the class), deletions as tombstones.
   */
  async feed(p: Principal, q: HomeworkFeedQueryDto): Promise<FeedPage<HomeworkFeedItem>> {
    let classId = q.classId;
    if (oneFeedTarget(q, ['classId', 'studentId']) === 'studentId') {
      const cls = await this.schedule.studentClass(p, q.studentId!);
      if (!cls) throw UsersErrors.studentNotFound();
      classId = cls;
    }
    if (!(await this.schedule.readableClass(p, classId!))) throw SchoolsErrors.classNotFound();
    return readFeedPage<{ cx: string; id: string; row?: HomeworkRow }, HomeworkFeedItem>(
      pageCursor(q),
      q.limit,
      [
        async (after, limit) => (await this.repo.findChanges(p, classId!, after, limit)).map((row) => ({ cx: row.cx, id: row.id, row })),
        (after, limit) => this.tombstones.after('homework', classId!, after, limit),
      ],
      async (rows) => {
        const files = await this.repo.filesOf(
          'homework',
          rows.flatMap((r) => (r.row ? [r.id] : [])),
        );
        return rows.map((r) => (r.row ? { ...toView(r.row, files), deleted: false } : { id: r.id, deleted: true }));
      },
    );
  }

  async submission(p: Principal, id: string, studentId: string): Promise<SubmissionView> {
    const h = await this.repo.findReadable(p, id);
    if (!h || !(await this.repo.canReadStudentWork(p, id, studentId)) || !(await this.repo.isCurrentStudentOf(h.class_id, studentId))) {
      throw HomeworkErrors.submissionNotFound();
    }
    const row = (await this.repo.findSubmissionOf(id, studentId))!;
    const files = row.id ? await this.repo.filesOf('submission', [row.id]) : [];
    return toSubmissionView(row, h, files);
  }

  /** Streams a file to someone allowed to see the homework (attachments) or that student's work (submission files). */
  async download(p: Principal, fileId: string): Promise<{ file: FileRow; stream: Readable }> {
    const file = await this.repo.findDownloadableFile(p, fileId);
    if (!file) throw StorageErrors.fileNotFound();
    return { file, stream: await this.storage.read(file.storage_key) };
  }

  // ---- the student's side ------------------------------------------------------------------------

  /** Text and files; the submit time is recorded. Twice → 409 unless the teacher returned the work. */
  async submit(p: Principal, id: string, req: Request, res: Response): Promise<SubmissionView> {
    const h = await this.repo.findReadable(p, id);
    if (!h || !hasRole(p, Role.Student) || !(await this.repo.isCurrentStudentOf(h.class_id, p.userId)))
      throw HomeworkErrors.homeworkNotFound();
    const status = await this.repo.peekSubmissionStatus(id, p.userId);
    if (status && status !== 'returned') throw HomeworkErrors.alreadySubmitted();
    const { fields, files } = await this.uploads.receive(req, res, this.uploadSpec('submissions'), SubmitFieldsDto);
    let replaced: string[];
    try {
      const text = fields.text?.trim() || null;
      if (!text && files.length === 0) throw HomeworkErrors.emptySubmission();
      replaced = await this.repo.transaction(async (tx) => {
        const current = await this.repo.lockSubmission(tx, id, p.userId);
        if (current && current.status !== 'returned') throw HomeworkErrors.alreadySubmitted();
        let submissionId: string;
        let old: string[] = [];
        if (current) {
          submissionId = current.id;
          old = await this.repo.resubmit(tx, current.id, text);
        } else {
          submissionId = await this.repo.insertSubmission(tx, id, p.userId, text).catch((e: unknown) => {
            if ((e as { driverError?: { code?: string } }).driverError?.code === '23505') throw HomeworkErrors.alreadySubmitted();
            throw e;
          });
        }
        await this.repo.insertFiles(tx, { submissionId }, files, p.userId);
        return old;
      });
    } catch (e) {
      await this.uploads.discard(files);
      throw e;
    }
    await this.removeStored(replaced);
    return this.submission(p, id, p.userId);
  }

  // ---- comments --------------------------------------------------------------------------------------

  async addComment(p: Principal, id: string, dto: CreateCommentDto): Promise<CommentView> {
    const h = await this.repo.findReadable(p, id);
    if (!h) throw HomeworkErrors.homeworkNotFound();
    let studentId = dto.studentId;
    if (!studentId && hasRole(p, Role.Student)) studentId = p.userId;
    if (!studentId && hasRole(p, Role.Parent)) {
      const children = await this.repo.childrenOf(p.userId);
      const inClass: string[] = [];
      for (const c of children) if (await this.repo.isCurrentStudentOf(h.class_id, c)) inClass.push(c);
      if (inClass.length === 1) studentId = inClass[0];
    }
    if (!studentId) throw HomeworkErrors.invalid('studentId', 'Укажите, о работе какого ученика комментарий');
    if (!(await this.repo.canReadStudentWork(p, id, studentId)) || !(await this.repo.isCurrentStudentOf(h.class_id, studentId))) {
      throw UsersErrors.studentNotFound();
    }
    // in a transaction (not autocommit), so that under an Idempotency-Key its commit is fenced like every create's
    const commentId = await this.repo.transaction((tx) => this.repo.insertComment(tx, id, studentId, p.userId, dto.body));
    const page = await this.repo.findComments(id, studentId, 200, 0);
    const c = page.rows.find((r) => r.id === commentId)!;
    return toCommentView(c);
  }

  async comments(p: Principal, id: string, q: { studentId: string; limit: number; offset: number }): Promise<CommentPage> {
    const h = await this.repo.findReadable(p, id);
    if (!h || !(await this.repo.canReadStudentWork(p, id, q.studentId))) throw HomeworkErrors.homeworkNotFound();
    const { rows, total } = await this.repo.findComments(id, q.studentId, q.limit, q.offset);
    return { items: rows.map(toCommentView), total, limit: q.limit, offset: q.offset };
  }

  // ---- internals ---------------------------------------------------------------------------------------

  private async view(id: string): Promise<HomeworkView> {
    const h = await this.repo.findHomework(id, { sql: 'TRUE', params: {} });
    if (!h) throw HomeworkErrors.homeworkNotFound();
    return toView(h, await this.repo.filesOf('homework', [id]));
  }

  /** Files whose rows are gone (after commit); a leftover file is harmless, a missing one is not. */
  private async removeStored(keys: string[]): Promise<void> {
    for (const k of keys)
      await this.storage.remove(k).catch((e: unknown) => this.logger.warn({ err: loggable(e) }, 'Could not remove a stored file'));
  }
}

/** The due day ends at midnight school time: a submission after it is late. */
function endOfDay(date: string, tz: string): Date {
  return zonedToUtc(addDays(date, 1), '00:00', tz);
}

const fileView = (f: FileRow): FileView => ({
  id: f.id,
  fileName: f.file_name,
  contentType: f.content_type,
  sizeBytes: f.size_bytes,
  url: `/api/v1/homework/files/${f.id}`,
});

function toView(h: HomeworkRow, files: FileRow[]): HomeworkView {
  return {
    id: h.id,
    classId: h.class_id,
    subjectId: h.subject_id,
    lessonId: h.lesson_id,
    teacherId: h.teacher_id,
    text: h.text,
    dueDate: h.due_date,
    dueAt: new Date(h.due_at).toISOString(),
    attachments: files.filter((f) => f.homework_id === h.id).map(fileView),
    createdAt: new Date(h.created_at).toISOString(),
    updatedAt: new Date(h.updated_at).toISOString(),
  };
}

function toSubmissionView(r: SubmissionRow, h: HomeworkRow, files: FileRow[]): SubmissionView {
  const late = !!r.submitted_at && new Date(r.submitted_at).getTime() > new Date(h.due_at).getTime();
  const status = !r.status ? 'not_submitted' : r.status === 'submitted' ? (late ? 'late' : 'submitted') : r.status;
  return {
    id: r.id,
    homeworkId: h.id,
    studentId: r.student_id,
    studentName: r.student_name,
    status,
    text: r.text,
    submittedAt: r.submitted_at ? new Date(r.submitted_at).toISOString() : null,
    late,
    attempt: r.attempt ?? 0,
    teacherComment: r.teacher_comment,
    gradeId: r.grade_id,
    grade: r.grade_value !== null && r.grade_value !== undefined ? toApiValue(r.grade_value, r.grade_scale ?? 'five_point') : null,
    files: files.filter((f) => r.id && f.submission_id === r.id).map(fileView),
  };
}

function toCommentView(c: {
  id: string;
  student_id: string;
  author_id: string;
  author_name: string;
  body: string;
  created_at: Date;
}): CommentView {
  return {
    id: c.id,
    studentId: c.student_id,
    authorId: c.author_id,
    authorName: c.author_name,
    body: c.body,
    createdAt: new Date(c.created_at).toISOString(),
  };
}

export type { ReceivedFile };
