import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { pageCursor } from '../../common/pagination/cursor';
import { FeedPage, oneFeedTarget, readFeedPage } from '../../core/feeds/feed-cursor';
import { TombstoneReader } from '../../core/feeds/tombstone-reader';
import { CommonErrors } from '../../common/errors/app-error';
import { OutboxService } from '../events/outbox.service';
import { SchoolsErrors } from '../schools/schools.errors';
import { UsersErrors } from '../users/users.errors';
import {
  CreateLessonDto,
  CreateTermPatternDto,
  LessonChangePage,
  LessonView,
  TermPatternResult,
  UpdateLessonDto,
} from './dto/schedule.dto';
import { LessonFeedItem, LessonFeedQueryDto } from './dto/lesson-feed.dto';
import { LessonChangeKind } from './entities/lesson-change.entity';
import { LessonRow } from './lesson-sql';
import { toChangePage, toLessonView } from './lesson-views';
import { ScheduleErrors } from './schedule.errors';
import { LessonFacts, NewLessonRow } from './lesson-sql';
import { TimetableContextReadModel } from './read-models/timetable-context.read-model';
import { ScheduleRepository } from './schedule.repository';
import { addDays, daysBetween, isoWeekday, zonedToUtc } from './school-time';
import { checkTimes, clashesWithin, toClashDetail, toNewLesson } from './timetable-rules';

export const MAX_PATTERN_DAYS = 200;

/**
 * The timetable: lessons, clash checks, changes with history and events, the lesson feed, and what the grades and
 * homework modules ask of lessons. Week views are WeekViewsService, reminders LessonRemindersService.
 */
@Injectable()
export class ScheduleService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: ScheduleRepository,
    private readonly context: TimetableContextReadModel,
    private readonly outbox: OutboxService,
    private readonly tombstones: TombstoneReader,
  ) {}

  // ---- timetable administration ----------------------------------------------------------------

  async createLesson(p: Principal, dto: CreateLessonDto): Promise<LessonView> {
    const cls = await this.context.findClassForAdmin(p, dto.classId);
    if (!cls) throw SchoolsErrors.classNotFound();
    checkTimes(dto.startTime, dto.endTime);
    await this.checkRefs(cls.school_id, [dto.subjectId], [dto.teacherId]);
    const row = toNewLesson(cls.school_id, cls.tz, dto.classId, dto, dto.date, null);
    const [id] = await this.db.transaction(async (tx) => {
      await this.repo.lockSchoolTimetable(tx, cls.school_id);
      const clashes = await this.repo.findClashes(tx, cls.school_id, [row]);
      if (clashes.length) throw ScheduleErrors.clash(clashes.map(toClashDetail));
      return this.repo.insertLessons(tx, [row]);
    });
    return toLessonView((await this.repo.findLessonRow(id))!);
  }

  /** A weekly pattern repeated over a date range (a term's timetable), all or nothing. */
  async createTermPattern(p: Principal, dto: CreateTermPatternDto): Promise<TermPatternResult> {
    const cls = await this.context.findClassForAdmin(p, dto.classId);
    if (!cls) throw SchoolsErrors.classNotFound();
    const span = daysBetween(dto.from, dto.to);
    if (span < 0) throw ScheduleErrors.invalid('to', 'Дата окончания раньше даты начала');
    if (span > MAX_PATTERN_DAYS) throw ScheduleErrors.invalid('to', `Период не может быть длиннее ${MAX_PATTERN_DAYS} дней`);
    dto.items.forEach((it, i) => checkTimes(it.startTime, it.endTime, `items.${i}`));
    await this.checkRefs(
      cls.school_id,
      dto.items.map((i) => i.subjectId),
      dto.items.map((i) => i.teacherId),
    );
    const skip = new Set(dto.skipDates ?? []);
    const seriesId = randomUUID();
    const rows: NewLessonRow[] = [];
    for (let d = dto.from; d <= dto.to; d = addDays(d, 1)) {
      if (skip.has(d)) continue;
      const wd = isoWeekday(d);
      for (const it of dto.items) if (it.weekday === wd) rows.push(toNewLesson(cls.school_id, cls.tz, dto.classId, it, d, seriesId));
    }
    if (rows.length === 0) throw ScheduleErrors.invalid('items', 'В указанном периоде нет ни одного дня из шаблона');
    const inner = clashesWithin(rows);
    if (inner.length) throw ScheduleErrors.clash(inner);
    await this.db.transaction(async (tx) => {
      await this.repo.lockSchoolTimetable(tx, cls.school_id);
      const clashes = await this.repo.findClashes(tx, cls.school_id, rows);
      if (clashes.length) throw ScheduleErrors.clash(clashes.map(toClashDetail));
      await this.repo.insertLessons(tx, rows);
    });
    return { seriesId, created: rows.length, from: dto.from, to: dto.to };
  }

  async getLesson(p: Principal, id: string): Promise<LessonView> {
    const row = await this.repo.findLessonReadableBy(p, id);
    if (!row) throw ScheduleErrors.lessonNotFound();
    return toLessonView(row);
  }

  /** Move, substitute, change room or topic; every change is kept in the history and announced as an event. */
  async updateLesson(p: Principal, id: string, dto: UpdateLessonDto): Promise<LessonView> {
    await this.db.transaction(async (tx) => {
      const current = await this.repo.lockLessonForAdmin(tx, p, id);
      if (!current) throw ScheduleErrors.lessonNotFound();
      await this.repo.lockSchoolTimetable(tx, current.school_id);
      const next = {
        date: dto.date ?? current.date,
        startTime: dto.startTime ?? current.start_time,
        endTime: dto.endTime ?? current.end_time,
        room: dto.room !== undefined ? dto.room : current.room,
        substituteTeacherId: dto.substituteTeacherId !== undefined ? dto.substituteTeacherId : current.substitute_teacher_id,
      };
      if (next.substituteTeacherId === current.teacher_id) next.substituteTeacherId = null;
      checkTimes(next.startTime, next.endTime);
      const kinds: LessonChangeKind[] = [];
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      const note = (field: string, old: unknown, now: unknown): boolean => {
        if (old === now) return false;
        before[field] = old;
        after[field] = now;
        return true;
      };
      const moved = [
        note('date', current.date, next.date),
        note('startTime', current.start_time, next.startTime),
        note('endTime', current.end_time, next.endTime),
      ];
      if (moved.some(Boolean)) kinds.push('moved');
      if (note('substituteTeacherId', current.substitute_teacher_id, next.substituteTeacherId)) kinds.push('substituted');
      if (note('room', current.room, next.room)) kinds.push('room_changed');
      const topicChanged = dto.topic !== undefined && dto.topic !== (current.topic ?? '');
      if (kinds.length === 0 && !topicChanged) throw CommonErrors.nothingChanged();
      if (kinds.length && current.status === 'cancelled') throw ScheduleErrors.lessonCancelled();
      if (next.substituteTeacherId && next.substituteTeacherId !== current.substitute_teacher_id) {
        await this.checkRefs(current.school_id, [], [next.substituteTeacherId], 'substituteTeacherId');
      }
      if (kinds.length) {
        const clashes = await this.repo.findClashes(
          tx,
          current.school_id,
          [
            {
              date: next.date,
              startTime: next.startTime,
              endTime: next.endTime,
              classId: current.class_id,
              teacherId: next.substituteTeacherId ?? current.teacher_id,
              room: next.room,
              groupName: current.group_name,
            },
          ],
          id,
        );
        if (clashes.length) throw ScheduleErrors.clash(clashes.map(toClashDetail));
      }
      const startsAt = zonedToUtc(next.date, next.startTime, current.tz);
      const endsAt = zonedToUtc(next.date, next.endTime, current.tz);
      await this.repo.updateLesson(tx, id, {
        date: next.date,
        startTime: next.startTime,
        endTime: next.endTime,
        startsAt,
        endsAt,
        room: next.room,
        substituteTeacherId: next.substituteTeacherId,
        ...(dto.topic !== undefined ? { topic: dto.topic || null } : {}),
      });
      if (kinds.length) await this.recordChange(tx, p, current, kinds, before, after, dto.reason ?? null);
    });
    return toLessonView((await this.repo.findLessonRow(id))!);
  }

  async setCancelled(p: Principal, id: string, cancelled: boolean, reason: string | null): Promise<LessonView> {
    await this.db.transaction(async (tx) => {
      const current = await this.repo.lockLessonForAdmin(tx, p, id);
      if (!current) throw ScheduleErrors.lessonNotFound();
      const status = cancelled ? 'cancelled' : 'scheduled';
      if (current.status === status) throw CommonErrors.nothingChanged();
      if (!cancelled) {
        await this.repo.lockSchoolTimetable(tx, current.school_id);
        const clashes = await this.repo.findClashes(
          tx,
          current.school_id,
          [
            {
              date: current.date,
              startTime: current.start_time,
              endTime: current.end_time,
              classId: current.class_id,
              teacherId: current.substitute_teacher_id ?? current.teacher_id,
              room: current.room,
              groupName: current.group_name,
            },
          ],
          id,
        );
        if (clashes.length) throw ScheduleErrors.clash(clashes.map(toClashDetail));
      }
      await this.repo.updateLesson(tx, id, { status });
      await this.recordChange(tx, p, current, [cancelled ? 'cancelled' : 'restored'], { status: current.status }, { status }, reason);
    });
    return toLessonView((await this.repo.findLessonRow(id))!);
  }

  private async recordChange(
    tx: EntityManager,
    p: Principal,
    lesson: LessonRow,
    kinds: LessonChangeKind[],
    before: object,
    after: object,
    reason: string | null,
  ): Promise<void> {
    const changeId = await this.repo.insertChange(tx, {
      lessonId: lesson.id,
      schoolId: lesson.school_id,
      classId: lesson.class_id,
      kinds,
      before,
      after,
      reason,
      changedBy: p.userId,
    });
    await this.outbox.record(tx, {
      type: 'lesson.changed',
      aggregateType: 'lesson',
      aggregateId: lesson.id,
      schoolId: lesson.school_id,
      actorId: p.userId,
      payload: { lessonId: lesson.id, classId: lesson.class_id, subjectId: lesson.subject_id, changeId, kinds, before, after },
      idempotencyKey: `lesson.changed:${changeId}`,
    });
  }

  // ---- history ------------------------------------------------------------------------------------

  async lessonChanges(p: Principal, lessonId: string, cursor: string | null, limit: number): Promise<LessonChangePage> {
    if (!(await this.repo.findLessonReadableBy(p, lessonId))) throw ScheduleErrors.lessonNotFound();
    return toChangePage(await this.repo.findChanges({ lessonId }, cursor, limit), limit);
  }

  async classChanges(p: Principal, classId: string, cursor: string | null, limit: number): Promise<LessonChangePage> {
    if (!(await this.context.isClassReadable(p, classId))) throw SchoolsErrors.classNotFound();
    return toChangePage(await this.repo.findChanges({ classId }, cursor, limit), limit);
  }

  // ---- feed of changes ------------------------------------------------------------------------

  /**
   * Lessons created or changed since the cursor, for a class, a student's current class or a teacher (own lessons and
   * those they cover), with tombstones for lessons that left it. Whoever may read the class (or the teacher's week) may
   * read its feed; every lesson is also checked with the lesson read rule.
   */
  async lessonFeed(p: Principal, q: LessonFeedQueryDto): Promise<FeedPage<LessonFeedItem>> {
    const target = oneFeedTarget(q, ['classId', 'studentId', 'teacherId']);
    let scope: { classId: string } | { teacherId: string };
    if (target === 'teacherId') {
      if (!(await this.context.findTeacherContext(p, q.teacherId!))) throw ScheduleErrors.teacherNotFound();
      scope = { teacherId: q.teacherId! };
    } else if (target === 'studentId') {
      const ctx = await this.context.findStudentContext(p, q.studentId!);
      if (!ctx) throw UsersErrors.studentNotFound();
      if (!ctx.class_id) throw ScheduleErrors.studentHasNoClass();
      scope = { classId: ctx.class_id };
    } else {
      if (!(await this.context.isClassReadable(p, q.classId!))) throw SchoolsErrors.classNotFound();
      scope = { classId: q.classId! };
    }
    const scopeId = 'classId' in scope ? scope.classId : scope.teacherId;
    return readFeedPage<{ cx: string; id: string; row?: LessonRow }, LessonFeedItem>(
      pageCursor(q),
      q.limit,
      [
        async (after, limit) => (await this.repo.findLessonFeed(p, scope, after, limit)).map((row) => ({ cx: row.cx, id: row.id, row })),
        (after, limit) => this.tombstones.after('lesson', scopeId, after, limit),
      ],
      (rows) => rows.map((r) => (r.row ? { ...toLessonView(r.row), deleted: false } : { id: r.id, deleted: true })),
    );
  }

  /** The current class of a student the caller may see: undefined when the student is not visible, null when not enrolled. */
  async studentClass(p: Principal, studentId: string): Promise<string | null | undefined> {
    const ctx = await this.context.findStudentContext(p, studentId);
    return ctx ? ctx.class_id : undefined;
  }

  // ---- for the grades and homework modules ----------------------------------------------------

  lessonFacts(id: string, manager?: EntityManager): Promise<LessonFacts | null> {
    return this.repo.findLessonFacts(id, manager);
  }

  classSubjectLessons(classId: string, subjectId: string, from: string, to: string): Promise<LessonFacts[]> {
    return this.repo.findClassSubjectLessons(classId, subjectId, from, to);
  }

  firstLessonsByDate(classId: string, from: string, to: string): Promise<Array<{ id: string; subject_id: string; date: string }>> {
    return this.repo.findFirstLessonsByDate(classId, from, to);
  }

  /** Class id and school time zone if the caller may read the class; otherwise null. */
  readableClass(p: Principal, classId: string): Promise<{ id: string; tz: string } | null> {
    return this.context.isClassReadable(p, classId);
  }

  async readableLesson(p: Principal, lessonId: string): Promise<LessonView | null> {
    const row = await this.repo.findLessonReadableBy(p, lessonId);
    return row ? toLessonView(row) : null;
  }

  private async checkRefs(schoolId: string, subjectIds: string[], teacherIds: string[], teacherField = 'teacherId'): Promise<void> {
    const found = await this.context.findSchoolRefs(schoolId, [...new Set(subjectIds)], [...new Set(teacherIds)]);
    if (subjectIds.some((id) => !found.subjects.has(id))) throw ScheduleErrors.invalid('subjectId', 'Предмет не найден в этой школе');
    if (teacherIds.some((id) => !found.teachers.has(id))) throw ScheduleErrors.invalid(teacherField, 'Учитель не найден в этой школе');
  }
}
