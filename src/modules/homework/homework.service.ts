import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { Principal } from '../../common/auth/principal';
import { pageCursor } from '../../common/pagination/cursor';
import { FeedPage, oneFeedTarget, readFeedPage } from '../../core/feeds/feed-cursor';
import { TombstoneReader } from '../../core/feeds/tombstone-reader';
import { StorageErrors } from '../../core/storage/storage.errors';
import { FILE_STORAGE, FileStorage } from '../../core/storage/storage.types';
import { UploadReceiver } from '../../core/storage/upload-receiver';
import { OutboxService } from '../events/outbox.service';
import { ScheduleErrors } from '../schedule/schedule.errors';
import { ScheduleService } from '../schedule/schedule.service';
import { SchoolsErrors } from '../schools/schools.errors';
import { UsersErrors } from '../users/users.errors';
import { CreateHomeworkDto, HomeworkPage, HomeworkView, ListHomeworkQueryDto, UpdateHomeworkDto } from './dto/homework.dto';
import { HomeworkFeedItem, HomeworkFeedQueryDto } from './dto/homework-feed.dto';
import { HomeworkStoredFiles } from './homework-files';
import { HomeworkErrors } from './homework.errors';
import { FileRow, HomeworkRepository, HomeworkRow } from './homework.repository';
import { endOfDay, toView } from './homework.views';
import { ClassWorkReadModel } from './read-models/class-work.read-model';

/**
 * Homework tasks: set, changed and removed by their teacher, with attachments; read by whoever may read the class
 * (list, feed, downloads). Submissions and review: HomeworkSubmissionsService; comment threads: HomeworkCommentsService.
 */
@Injectable()
export class HomeworkService {
  constructor(
    private readonly repo: HomeworkRepository,
    private readonly classWork: ClassWorkReadModel,
    private readonly schedule: ScheduleService,
    private readonly outbox: OutboxService,
    private readonly uploads: UploadReceiver,
    private readonly files: HomeworkStoredFiles,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    private readonly tombstones: TombstoneReader,
  ) {}

  // ---- the teacher's side ------------------------------------------------------------------------

  async create(p: Principal, dto: CreateHomeworkDto): Promise<HomeworkView> {
    const cls = await this.classWork.findClassForTeacher(p, dto.classId, dto.subjectId);
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
    await this.files.removeStored(keys);
  }

  async addAttachments(p: Principal, id: string, req: Request, res: Response): Promise<HomeworkView> {
    if (!(await this.repo.findWritable(p, id))) throw HomeworkErrors.homeworkNotFound();
    const { files } = await this.uploads.receive(req, res, { ...this.files.uploadSpec('homework'), required: true });
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
    await this.files.removeStored([key]);
    return this.view(id);
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

  /** Streams a file to someone allowed to see the homework (attachments) or that student's work (submission files). */
  async download(p: Principal, fileId: string): Promise<{ file: FileRow; stream: Readable }> {
    const file = await this.repo.findDownloadableFile(p, fileId);
    if (!file) throw StorageErrors.fileNotFound();
    return { file, stream: await this.storage.read(file.storage_key) };
  }

  // ---- internals ---------------------------------------------------------------------------------------

  private async view(id: string): Promise<HomeworkView> {
    const h = await this.repo.findHomework(id, { sql: 'TRUE', params: {} });
    if (!h) throw HomeworkErrors.homeworkNotFound();
    return toView(h, await this.repo.filesOf('homework', [id]));
  }
}
