import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Principal } from '../../common/auth/principal';
import { UploadReceiver } from '../../core/storage/upload-receiver';
import { OutboxService } from '../events/outbox.service';
import { GradeEntryService } from '../grades/grade-entry.service';
import { dateInZone } from '../../common/time/zoned-date';
import { GradeSubmissionDto, ReturnSubmissionDto, SubmissionPage, SubmissionView, SubmitFieldsDto } from './dto/homework.dto';
import { HomeworkStoredFiles } from './homework-files';
import { HomeworkErrors } from './homework.errors';
import { HomeworkRepository } from './homework.repository';
import { toSubmissionView } from './homework.views';
import { ClassWorkReadModel } from './read-models/class-work.read-model';

/** Students' work on a homework: submitting (text and files), the teacher's review (return, grade), reading it. */
@Injectable()
export class HomeworkSubmissionsService {
  constructor(
    private readonly repo: HomeworkRepository,
    private readonly classWork: ClassWorkReadModel,
    private readonly grades: GradeEntryService,
    private readonly outbox: OutboxService,
    private readonly uploads: UploadReceiver,
    private readonly files: HomeworkStoredFiles,
  ) {}

  // ---- the teacher's side ------------------------------------------------------------------------

  /** Per-student status of a homework for its teacher (and the class teacher, admins). */
  async submissions(p: Principal, id: string, q: { limit: number; offset: number }): Promise<SubmissionPage> {
    const h = await this.repo.findReviewable(p, id);
    if (!h) throw HomeworkErrors.homeworkNotFound();
    const { rows, total } = await this.classWork.findSubmissionsOfClass(id, h.class_id, q.limit, q.offset);
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
      const today = dateInZone(new Date(), h.tz!);
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

  // ---- reading a student's work ------------------------------------------------------------------

  async submission(p: Principal, id: string, studentId: string): Promise<SubmissionView> {
    const h = await this.repo.findReadable(p, id);
    if (!h || !(await this.repo.isCurrentStudentWork(p, id, studentId))) throw HomeworkErrors.submissionNotFound();
    const row = (await this.classWork.findSubmissionOf(id, studentId))!;
    const files = row.id ? await this.repo.filesOf('submission', [row.id]) : [];
    return toSubmissionView(row, h, files);
  }

  // ---- the student's side ------------------------------------------------------------------------

  /** Text and files; the submit time is recorded. Twice → 409 unless the teacher returned the work. */
  async submit(p: Principal, id: string, req: Request, res: Response): Promise<SubmissionView> {
    const h = await this.repo.findSubmittable(p, id);
    if (!h) throw HomeworkErrors.homeworkNotFound();
    const status = await this.repo.peekSubmissionStatus(id, p.userId);
    if (status && status !== 'returned') throw HomeworkErrors.alreadySubmitted();
    const { fields, files } = await this.uploads.receive(req, res, this.files.uploadSpec('submissions'), SubmitFieldsDto);
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
    await this.files.removeStored(replaced);
    return this.submission(p, id, p.userId);
  }
}
