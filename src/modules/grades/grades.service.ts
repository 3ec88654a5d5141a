import { Injectable } from '@nestjs/common';
import { pageCursor } from '../../common/pagination/cursor';
import { EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { CommonErrors } from '../../common/errors/app-error';
import { mapConstraint } from '../../common/errors/db-constraint';
import { readFeedPage } from '../../core/feeds/feed-cursor';
import { CachedJson, ReadCache, readKey } from '../../core/read-cache/read-cache';
import { NewEvent } from '../events/event-types';
import { OutboxService } from '../events/outbox.service';
import { ScheduleErrors } from '../schedule/schedule.errors';
import { ScheduleService } from '../schedule/schedule.service';
import { addDays, daysBetween, localDate } from '../schedule/school-time';
import { SchoolsErrors } from '../schools/schools.errors';
import { UsersErrors } from '../users/users.errors';
import { AverageResult, Mark, weightedAverage } from './averages';
import {
  AttendanceFeedView,
  AttendanceListView,
  AttendanceView,
  BatchGradesDto,
  CreateGradeDto,
  CreatePeriodDto,
  FeedQueryDto,
  GradeChangePage,
  GradeChangeView,
  GradeFeedView,
  GradeHistoryView,
  GradeItemDto,
  GradeListView,
  GradeView,
  GradingSettingsDto,
  GradingSettingsView,
  HistoryQueryDto,
  JournalQueryDto,
  JournalView,
  ListPeriodsQueryDto,
  MarkAttendanceDto,
  PeriodMarkListView,
  PeriodPage,
  PeriodRef,
  PeriodView,
  RangeQueryDto,
  SetPeriodMarksDto,
  StudentGradesView,
  UpdateGradeDto,
  WhatIfDto,
  WhatIfView,
} from './dto/grades.dto';
import { GradeScale } from './entities/grade.entity';
import { SchoolGrading, toApiValue, toStoredValue } from './grading-rules';
import { GradesErrors } from './grades.errors';
import { AttendanceRow, ChangeRow, GradeRow, GradesRepository, NewGrade, PeriodRow } from './grades.repository';

export interface GradeTarget {
  schoolId: string;
  classId: string;
  subjectId: string;
  date: string;
  lessonId: string | null;
}

/** Grades, attendance, corrections, averages, period marks, journal, feeds. Owns its transactions. */
@Injectable()
export class GradesService {
  constructor(
    private readonly repo: GradesRepository,
    private readonly schedule: ScheduleService,
    private readonly outbox: OutboxService,
    private readonly cache: ReadCache,
  ) {}

  // ---- entry ------------------------------------------------------------------------------------

  async createGrade(p: Principal, dto: CreateGradeDto): Promise<GradeView> {
    const target = await this.resolveTarget(p, dto);
    const grading = await this.repo.findGrading(target.schoolId);
    const row = await this.prepareGrades(p, target, grading, [dto]);
    return this.repo.transaction(async (tx) => {
      const [saved] = await this.insertWithEvents(tx, p.userId, row);
      return toGradeView(saved);
    });
  }

  /** Grades for several students of one lesson in one request, all or nothing. */
  async createBatch(p: Principal, dto: BatchGradesDto): Promise<GradeListView> {
    const target = await this.resolveTarget(p, { lessonId: dto.lessonId });
    const grading = await this.repo.findGrading(target.schoolId);
    const rows = await this.prepareGrades(p, target, grading, dto.grades);
    return this.repo.transaction(async (tx) => ({
      items: (await this.insertWithEvents(tx, p.userId, rows)).map(toGradeView),
    }));
  }

  async updateGrade(p: Principal, id: string, dto: UpdateGradeDto): Promise<GradeView> {
    return this.repo.transaction(async (tx) => {
      const g = await this.repo.lockWritableGrade(tx, p, id);
      if (!g) throw GradesErrors.gradeNotFound();
      const grading = await this.repo.findGrading(g.school_id, tx);
      const value = dto.value !== undefined ? this.storedValue(dto.value, g.scale) : g.value;
      const workType = dto.workType ?? g.work_type;
      const weight =
        dto.workType !== undefined && dto.workType !== g.work_type ? this.workType(grading, dto.workType).weight : Number(g.weight);
      const comment = dto.comment !== undefined ? dto.comment || null : g.comment;
      if (value === g.value && workType === g.work_type && weight === Number(g.weight) && comment === g.comment)
        throw CommonErrors.nothingChanged();
      const saved = await this.repo.updateGrade(tx, id, { value, workType, weight, comment });
      await this.recordCorrection(tx, p.userId, g, saved, 'changed', dto.reason ?? null);
      return toGradeView(saved);
    });
  }

  async deleteGrade(p: Principal, id: string, reason: string | null): Promise<void> {
    await this.repo.transaction(async (tx) => {
      const g = await this.repo.lockWritableGrade(tx, p, id);
      if (!g) throw GradesErrors.gradeNotFound();
      const saved = await this.repo.updateGrade(tx, id, {
        value: g.value,
        workType: g.work_type,
        weight: Number(g.weight),
        comment: g.comment,
        deleted: true,
      });
      await this.recordCorrection(tx, p.userId, g, saved, 'deleted', reason);
    });
  }

  /** Where the grade goes: a lesson (its teacher or substitute), or class + subject + date (its teacher). */
  async resolveTarget(p: Principal, t: { lessonId?: string; classId?: string; subjectId?: string; date?: string }): Promise<GradeTarget> {
    if (t.lessonId) {
      const lesson = await this.schedule.lessonFacts(t.lessonId);
      if (!lesson) throw ScheduleErrors.lessonNotFound();
      const cls = await this.repo.findClassForTeaching(p, lesson.classId, lesson.subjectId);
      if (!cls || !(cls.teaches || lesson.substituteTeacherId === p.userId)) throw ScheduleErrors.lessonNotFound();
      if (lesson.status === 'cancelled') throw ScheduleErrors.lessonCancelled();
      if (lesson.date > localDate(new Date(), cls.tz)) throw GradesErrors.dateInFuture();
      return { schoolId: lesson.schoolId, classId: lesson.classId, subjectId: lesson.subjectId, date: lesson.date, lessonId: lesson.id };
    }
    if (!t.classId || !t.subjectId || !t.date) throw GradesErrors.targetRequired();
    const cls = await this.repo.findClassForTeaching(p, t.classId, t.subjectId);
    if (!cls || !cls.teaches) throw SchoolsErrors.classNotFound();
    if (t.date > localDate(new Date(), cls.tz)) throw GradesErrors.dateInFuture();
    return { schoolId: cls.school_id, classId: cls.id, subjectId: t.subjectId, date: t.date, lessonId: null };
  }

  private async prepareGrades(p: Principal, target: GradeTarget, grading: SchoolGrading, items: GradeItemDto[]): Promise<NewGrade[]> {
    const seen = new Set<string>();
    for (const it of items) {
      if (seen.has(it.studentId) && items.length > 1) throw GradesErrors.duplicateStudent(it.studentId);
      seen.add(it.studentId);
    }
    const enrolled = await this.repo.findEnrolled(target.classId, [...seen]);
    const missing = [...seen].filter((id) => !enrolled.has(id));
    if (missing.length) throw UsersErrors.studentNotFound(missing);
    return items.map((it) => ({
      schoolId: target.schoolId,
      studentId: it.studentId,
      classId: target.classId,
      subjectId: target.subjectId,
      lessonId: target.lessonId,
      date: target.date,
      scale: grading.scale,
      value: this.storedValue(it.value, grading.scale),
      workType: it.workType,
      weight: this.workType(grading, it.workType).weight,
      comment: it.comment || null,
      source: 'manual',
      sourceRef: null,
      enteredBy: p.userId,
    }));
  }

  private async insertWithEvents(tx: EntityManager, actorId: string, rows: NewGrade[]): Promise<GradeRow[]> {
    const saved = await this.repo.insertGrades(tx, rows);
    await this.outbox.recordMany(
      tx,
      saved.map((g) => gradeCreatedEvent(g, actorId)),
    );
    return saved;
  }

  private async recordCorrection(
    tx: EntityManager,
    actorId: string,
    old: GradeRow,
    now: GradeRow,
    action: 'changed' | 'deleted',
    reason: string | null,
  ): Promise<void> {
    const before = facts(old);
    const after = action === 'deleted' ? null : facts(now);
    await this.repo.insertGradeChange(tx, {
      gradeId: old.id,
      studentId: old.student_id,
      action,
      before,
      after,
      reason,
      changedBy: actorId,
    });
    await this.outbox.record(tx, {
      type: action === 'deleted' ? 'grade.deleted' : 'grade.changed',
      aggregateType: 'grade',
      aggregateId: old.id,
      schoolId: old.school_id,
      actorId,
      payload: {
        gradeId: old.id,
        studentId: old.student_id,
        classId: old.class_id,
        subjectId: old.subject_id,
        lessonId: old.lesson_id,
        date: old.date,
        old: { value: toApiValue(old.value, old.scale), workType: old.work_type, weight: Number(old.weight) },
        ...(after
          ? {
              new: { value: toApiValue(now.value, now.scale), workType: now.work_type, weight: Number(now.weight) },
              commentChanged: old.comment !== now.comment,
            }
          : {}),
        version: now.version,
      },
      idempotencyKey: `${action === 'deleted' ? 'grade.deleted' : 'grade.changed'}:${old.id}:${now.version}`,
    });
  }

  private storedValue(value: number | string, scale: GradeScale): number {
    const v = toStoredValue(value, scale);
    if (v === null) throw GradesErrors.valueNotInScale(scale);
    return v;
  }

  private workType(grading: SchoolGrading, code: string): { code: string; weight: number } {
    const wt = grading.workTypes.find((w) => w.code === code);
    if (!wt) throw GradesErrors.unknownWorkType(grading.workTypes.map((w) => w.code));
    return wt;
  }

  // ---- history ----------------------------------------------------------------------------------

  async gradeHistory(p: Principal, id: string): Promise<GradeHistoryView> {
    const g = await this.repo.findReadableGrade(p, id);
    if (!g) throw GradesErrors.gradeNotFound();
    const changes = await this.repo.findChangesOfGrade(id);
    const created: GradeChangeView = {
      id: null,
      gradeId: id,
      action: 'created',
      before: null,
      after: changes[0]?.before ?? facts(g),
      reason: null,
      changedBy: g.entered_by,
      changedByName: g.entered_by_name,
      changedAt: new Date(g.created_at).toISOString(),
    };
    return { grade: toGradeView(g), changes: [created, ...changes.map(toChangeView)] };
  }

  async studentHistory(p: Principal, q: HistoryQueryDto): Promise<GradeChangePage> {
    if (!(await this.repo.findStudentContext(p, q.studentId))) throw UsersErrors.studentNotFound();
    const rows = await this.repo.findStudentChanges(p, q.studentId, q.cursor ?? null, q.limit);
    return { items: rows.map(toChangeView), nextCursor: rows.length === q.limit ? rows[rows.length - 1].id : null };
  }

  // ---- feeds --------------------------------------------------------------------------------------

  gradeFeed(p: Principal, q: FeedQueryDto): Promise<GradeFeedView> {
    return this.feed(p, q, (after, limit) => this.repo.findGradeFeed(p, q, after, limit), toGradeView);
  }

  attendanceFeed(p: Principal, q: FeedQueryDto): Promise<AttendanceFeedView> {
    return this.feed(p, q, (after, limit) => this.repo.findAttendanceFeed(p, q, after, limit), toAttendanceView);
  }

  /** One page of a `?since=` feed (core/feeds: the same cursor semantics as every feed of changes). */
  private async feed<R extends { cx?: string; id: string }, V>(
    p: Principal,
    q: FeedQueryDto,
    find: (after: { xid: string; id: string }, limit: number) => Promise<R[]>,
    view: (row: R) => V,
  ): Promise<{ items: V[]; nextCursor: string; hasMore: boolean }> {
    await this.checkFeedAccess(p, q);
    return readFeedPage(
      pageCursor(q),
      q.limit,
      [async (after, limit) => (await find(after, limit)).map((r) => ({ ...r, cx: r.cx ?? '0' }))],
      (rows) => rows.map(view),
    );
  }

  private async checkFeedAccess(p: Principal, q: FeedQueryDto): Promise<void> {
    if ((q.studentId === undefined) === (q.classId === undefined)) throw GradesErrors.targetRequired();
    if (q.studentId && !(await this.repo.findStudentContext(p, q.studentId))) throw UsersErrors.studentNotFound();
    if (q.classId && !(await this.repo.isClassFeedReadable(p, q.classId))) throw SchoolsErrors.classNotFound();
  }

  // ---- attendance ---------------------------------------------------------------------------------

  async markAttendance(p: Principal, dto: MarkAttendanceDto): Promise<AttendanceListView> {
    const target = await this.resolveTarget(p, { lessonId: dto.lessonId });
    const ids = dto.marks.map((m) => m.studentId);
    if (new Set(ids).size !== ids.length) throw GradesErrors.duplicateStudent(ids.find((id, i) => ids.indexOf(id) !== i)!);
    const enrolled = await this.repo.findEnrolled(target.classId, ids);
    const missing = ids.filter((id) => !enrolled.has(id));
    if (missing.length) throw UsersErrors.studentNotFound(missing);
    return this.repo.transaction(async (tx) => {
      const lesson = {
        id: target.lessonId!,
        classId: target.classId,
        subjectId: target.subjectId,
        schoolId: target.schoolId,
        date: target.date,
      };
      const written = await this.repo.upsertAttendance(
        tx,
        lesson,
        dto.marks.map((m) => ({ studentId: m.studentId, status: m.status, reason: m.reason || null })),
        p.userId,
      );
      const events: NewEvent[] = written
        .filter((a) => a.status !== 'present' && a.status !== a.previous_status)
        .map((a) => ({
          type: 'attendance.marked',
          aggregateType: 'attendance',
          aggregateId: a.id,
          schoolId: a.school_id,
          actorId: p.userId,
          payload: {
            attendanceId: a.id,
            lessonId: a.lesson_id,
            studentId: a.student_id,
            classId: a.class_id,
            subjectId: a.subject_id,
            date: a.date,
            status: a.status,
            previousStatus: a.previous_status ?? null,
          },
          idempotencyKey: `attendance.marked:${a.id}:${a.version}`,
        }));
      await this.outbox.recordMany(tx, events);
      const current = new Map(written.map((a) => [a.student_id, a]));
      const unchanged = ids.filter((id) => !current.has(id));
      if (unchanged.length) {
        const rows: AttendanceRow[] = await tx.query(
          `SELECT id, lesson_id, student_id, class_id, subject_id, school_id, to_char(date, 'YYYY-MM-DD') AS date, status, reason, version, updated_at
             FROM attendance WHERE lesson_id = $1 AND student_id = ANY($2::uuid[])`,
          [lesson.id, unchanged],
        );
        rows.forEach((r) => current.set(r.student_id, r));
      }
      return { items: ids.map((id) => toAttendanceView(current.get(id)!)) };
    });
  }

  // ---- a student's grades, averages, what-if -----------------------------------------------------

  async studentGrades(p: Principal, studentId: string, q: RangeQueryDto): Promise<StudentGradesView> {
    const ctx = await this.repo.findStudentContext(p, studentId);
    if (!ctx) throw UsersErrors.studentNotFound();
    const [range, grading] = await Promise.all([this.resolveRange(ctx.school_id, ctx.tz, q), this.repo.findGrading(ctx.school_id)]);
    const [grades, periodMarks] = await Promise.all([
      this.repo.findStudentGrades(studentId, range.from, range.to, null, p),
      range.period ? this.repo.findPeriodMarks(range.period.id, { studentId }) : Promise.resolve([]),
    ]);
    const bySubject = new Map<string, { name: string; rows: GradeRow[] }>();
    for (const g of grades) {
      const entry = bySubject.get(g.subject_id) ?? { name: g.subject_name, rows: [] };
      entry.rows.push(g);
      bySubject.set(g.subject_id, entry);
    }
    return {
      studentId,
      from: range.from,
      to: range.to,
      period: range.period,
      subjects: [...bySubject.entries()].map(([subjectId, s]) => {
        const pm = periodMarks.find((m) => m.subject_id === subjectId);
        return {
          subjectId,
          subjectName: s.name,
          grades: s.rows.map(toGradeView),
          average: weightedAverage(s.rows.map(toMark), grading.roundingThreshold),
          periodMark: pm ? toApiValue(pm.value, pm.scale) : null,
        };
      }),
    };
  }

  /** The period average if the student also got the given marks. */
  async whatIf(p: Principal, studentId: string, dto: WhatIfDto): Promise<WhatIfView> {
    const ctx = await this.repo.findStudentContext(p, studentId);
    if (!ctx) throw UsersErrors.studentNotFound();
    const [range, grading] = await Promise.all([this.resolveRange(ctx.school_id, ctx.tz, dto), this.repo.findGrading(ctx.school_id)]);
    const grades = await this.repo.findStudentGrades(studentId, range.from, range.to, dto.subjectId, p);
    const current = grades.map(toMark);
    const extra: Mark[] = dto.extra.map((e) => ({
      value: e.value,
      weight: this.workType(grading, e.workType).weight,
      scale: 'five_point',
    }));
    return {
      current: weightedAverage(current, grading.roundingThreshold),
      projected: weightedAverage([...current, ...extra], grading.roundingThreshold),
    };
  }

  private async resolveRange(
    schoolId: string,
    tz: string,
    q: RangeQueryDto,
  ): Promise<{ from: string; to: string; period: PeriodRef | null }> {
    if (q.periodId) {
      const period = await this.repo.findPeriod(q.periodId, schoolId);
      if (!period) throw GradesErrors.periodNotFound();
      return { from: period.starts_on, to: period.ends_on, period: toPeriodRef(period) };
    }
    if (q.from || q.to) {
      if (!q.from || !q.to || q.from > q.to || daysBetween(q.from, q.to) > 366) throw GradesErrors.invalidRange();
      return { from: q.from, to: q.to, period: null };
    }
    // The current school year: 1 September to 31 August.
    const today = localDate(new Date(), tz);
    const year = Number(today.slice(0, 4)) - (today.slice(5) < '09-01' ? 1 : 0);
    return { from: `${year}-09-01`, to: addDays(`${year + 1}-09-01`, -1), period: null };
  }

  // ---- journal ------------------------------------------------------------------------------------

  /** Students × lessons of one subject and period, with grades, absences, averages, period marks. */
  async journal(p: Principal, q: JournalQueryDto): Promise<CachedJson> {
    const cls = await this.repo.findJournalClass(p, q.classId, q.subjectId);
    if (!cls) throw SchoolsErrors.classNotFound();
    // Without a period the range needs no query (dates given, or the current school year), so it goes into
    // the key; a period is resolved when the journal is built (periods are in the catalog's version).
    const dates = q.periodId ? null : await this.resolveRange(cls.school_id, cls.tz, q);
    const key = readKey('journal', q.classId, q.subjectId, q.periodId, dates?.from, dates?.to, cls.versions);
    return this.cache.json(key, async (): Promise<JournalView> => {
      const range = dates ?? (await this.resolveRange(cls.school_id, cls.tz, q));
      const [students, lessons, grades, grading, periodMarks] = await Promise.all([
        this.repo.findClassStudents(q.classId),
        this.schedule.classSubjectLessons(q.classId, q.subjectId, range.from, range.to),
        this.repo.findClassSubjectGrades(q.classId, q.subjectId, range.from, range.to),
        this.repo.findGrading(cls.school_id),
        range.period ? this.repo.findPeriodMarks(range.period.id, { classId: q.classId, subjectId: q.subjectId }) : Promise.resolve([]),
      ]);
      const attendance = await this.repo.findAttendanceOfLessons(lessons.map((l) => l.id));
      const byStudent = new Map<string, Mark[]>();
      for (const g of grades) {
        const marks = byStudent.get(g.student_id);
        if (marks) marks.push(toMark(g));
        else byStudent.set(g.student_id, [toMark(g)]);
      }
      const periodMarkOf = new Map(periodMarks.map((m) => [m.student_id, m]));
      return {
        classId: q.classId,
        subjectId: q.subjectId,
        from: range.from,
        to: range.to,
        period: range.period,
        students: students.map((s) => {
          const pm = periodMarkOf.get(s.id);
          return {
            id: s.id,
            lastName: s.last_name,
            firstName: s.first_name,
            middleName: s.middle_name,
            average: weightedAverage(byStudent.get(s.id) ?? [], grading.roundingThreshold) as AverageResult,
            periodMark: pm ? toApiValue(pm.value, pm.scale) : null,
          };
        }),
        lessons: lessons.map((l) => ({ id: l.id, date: l.date, startTime: l.startTime ?? '', status: l.status, topic: l.topic ?? null })),
        grades: grades.map(toGradeView),
        attendance: attendance.map((a) => ({ lessonId: a.lesson_id, studentId: a.student_id, status: a.status })),
      };
    });
  }

  // ---- period and final marks -----------------------------------------------------------------------

  async setPeriodMarks(p: Principal, dto: SetPeriodMarksDto): Promise<PeriodMarkListView> {
    const cls = await this.repo.findClassForTeaching(p, dto.classId, dto.subjectId);
    if (!cls || !cls.teaches) throw SchoolsErrors.classNotFound();
    const period = await this.repo.findPeriod(dto.periodId, cls.school_id);
    if (!period) throw GradesErrors.periodNotFound();
    const ids = dto.marks.map((m) => m.studentId);
    if (new Set(ids).size !== ids.length) throw GradesErrors.duplicateStudent(ids.find((id, i) => ids.indexOf(id) !== i)!);
    const enrolled = await this.repo.findEnrolled(dto.classId, ids);
    const missing = ids.filter((id) => !enrolled.has(id));
    if (missing.length) throw UsersErrors.studentNotFound(missing);
    const grading = await this.repo.findGrading(cls.school_id);
    const marks = dto.marks.map((m) => ({
      studentId: m.studentId,
      value: this.storedValue(m.value, grading.scale),
      comment: m.comment || null,
    }));
    await this.repo.transaction((tx) =>
      this.repo.upsertPeriodMarks(
        tx,
        { periodId: period.id, classId: dto.classId, subjectId: dto.subjectId, scale: grading.scale, setBy: p.userId },
        marks,
      ),
    );
    const rows = await this.repo.findPeriodMarks(period.id, { classId: dto.classId, subjectId: dto.subjectId });
    return {
      items: rows.map((r) => ({
        studentId: r.student_id,
        subjectId: r.subject_id,
        periodId: r.period_id,
        value: toApiValue(r.value, r.scale),
        comment: r.comment,
      })),
    };
  }

  // ---- settings and periods ---------------------------------------------------------------------

  async getSettings(p: Principal, schoolId: string): Promise<GradingSettingsView> {
    if (!(await this.repo.isSchoolReadable(p, schoolId))) throw SchoolsErrors.schoolNotFound();
    return toSettingsView(schoolId, await this.repo.findGrading(schoolId));
  }

  async putSettings(p: Principal, schoolId: string, dto: GradingSettingsDto): Promise<GradingSettingsView> {
    if (!(await this.repo.isSchoolAdministered(p, schoolId))) throw SchoolsErrors.schoolNotFound();
    const codes = dto.workTypes.map((w) => w.code);
    const dup = codes.find((c, i) => codes.indexOf(c) !== i);
    if (dup) throw GradesErrors.invalidSettings(`Вид работы «${dup}» указан дважды`, 'workTypes');
    const grading: SchoolGrading = {
      scale: dto.scale,
      workTypes: dto.workTypes.map((w) => ({ code: w.code, name: w.name, weight: w.weight })),
      roundingThreshold: dto.roundingThreshold ?? 0.5,
    };
    await this.repo.saveGrading(schoolId, grading, p.userId);
    return toSettingsView(schoolId, grading);
  }

  async createPeriod(p: Principal, dto: CreatePeriodDto): Promise<PeriodView> {
    if (!(await this.repo.isSchoolAdministered(p, dto.schoolId))) throw SchoolsErrors.schoolNotFound();
    if (dto.endsOn < dto.startsOn) throw GradesErrors.invalidRange();
    const row = await mapConstraint(
      () =>
        this.repo.insertPeriod({
          school_id: dto.schoolId,
          academic_year: dto.academicYear,
          kind: dto.kind,
          name: dto.name,
          starts_on: dto.startsOn,
          ends_on: dto.endsOn,
        }),
      GradesErrors.periodExists,
    );
    return toPeriodView(row);
  }

  async listPeriods(p: Principal, q: ListPeriodsQueryDto): Promise<PeriodPage> {
    if (!(await this.repo.isSchoolReadable(p, q.schoolId))) throw SchoolsErrors.schoolNotFound();
    const { rows, total } = await this.repo.listPeriods(q.schoolId, q.academicYear ?? null, q.limit, q.offset);
    return { items: rows.map(toPeriodView), total, limit: q.limit, offset: q.offset };
  }

  // ---- for the homework module (in its transaction) ------------------------------------------------

  /**
   * The homework-type grade of a graded submission: created once per submission (source_ref),
   * changed on regrading. The caller has checked that the actor teaches the class and subject.
   */
  async recordHomeworkGrade(
    tx: EntityManager,
    input: {
      submissionId: string;
      schoolId: string;
      studentId: string;
      classId: string;
      subjectId: string;
      lessonId: string | null;
      date: string;
      value: number | string;
      actorId: string;
    },
  ): Promise<GradeView> {
    const grading = await this.repo.findGrading(input.schoolId, tx);
    const value = this.storedValue(input.value, grading.scale);
    const wt = grading.workTypes.find((w) => w.code === 'homework') ?? { code: 'homework', weight: 1 };
    const existing = await this.repo.lockGradeBySourceRef(tx, input.submissionId);
    if (!existing) {
      const [saved] = await this.insertWithEvents(tx, input.actorId, [
        {
          schoolId: input.schoolId,
          studentId: input.studentId,
          classId: input.classId,
          subjectId: input.subjectId,
          lessonId: input.lessonId,
          date: input.date,
          scale: grading.scale,
          value,
          workType: wt.code,
          weight: wt.weight,
          comment: null,
          source: 'homework',
          sourceRef: input.submissionId,
          enteredBy: input.actorId,
        },
      ]);
      return toGradeView(saved);
    }
    if (existing.value === value && !existing.deleted_at) return toGradeView(existing);
    const saved = await this.repo.updateGrade(tx, existing.id, {
      value,
      workType: existing.work_type,
      weight: Number(existing.weight),
      comment: existing.comment,
    });
    await this.recordCorrection(tx, input.actorId, existing, saved, 'changed', null);
    return toGradeView(saved);
  }

  // ---- for the import -----------------------------------------------------------------------------

  /** Inserts a chunk of imported grades and their events in the import's transaction. */
  async insertImported(tx: EntityManager, actorId: string, rows: NewGrade[]): Promise<number> {
    if (rows.length === 0) return 0;
    const ids = await this.repo.insertGradeIds(tx, rows);
    await this.outbox.recordMany(
      tx,
      ids.map((id, i) => gradeCreatedEvent({ ...toRowLike(rows[i]), id }, actorId)),
    );
    return ids.length;
  }
}

// ---- mapping ----------------------------------------------------------------------------------------

function facts(g: GradeRow): Record<string, unknown> {
  return { value: toApiValue(g.value, g.scale), workType: g.work_type, weight: Number(g.weight), comment: g.comment };
}

function toRowLike(
  r: NewGrade,
): Omit<GradeRow, 'id' | 'entered_by' | 'version' | 'created_at' | 'updated_at' | 'deleted_at' | 'weight' | 'source'> {
  return {
    school_id: r.schoolId,
    student_id: r.studentId,
    class_id: r.classId,
    subject_id: r.subjectId,
    lesson_id: r.lessonId,
    date: r.date,
    scale: r.scale,
    value: r.value,
    work_type: r.workType,
    comment: r.comment,
  };
}

function gradeCreatedEvent(
  g: {
    id: string;
    school_id: string;
    student_id: string;
    class_id: string;
    subject_id: string;
    lesson_id: string | null;
    date: string;
    scale: string;
    value: number;
    work_type: string;
  },
  actorId: string,
): NewEvent {
  return {
    type: 'grade.created',
    aggregateType: 'grade',
    aggregateId: g.id,
    schoolId: g.school_id,
    actorId,
    payload: {
      gradeId: g.id,
      studentId: g.student_id,
      classId: g.class_id,
      subjectId: g.subject_id,
      lessonId: g.lesson_id,
      date: g.date,
      value: toApiValue(g.value, g.scale),
      workType: g.work_type,
    },
    idempotencyKey: `grade.created:${g.id}`,
  };
}

export function toGradeView(g: GradeRow): GradeView {
  return {
    id: g.id,
    studentId: g.student_id,
    classId: g.class_id,
    subjectId: g.subject_id,
    lessonId: g.lesson_id,
    date: g.date,
    value: toApiValue(g.value, g.scale),
    scale: g.scale,
    workType: g.work_type,
    weight: Number(g.weight),
    comment: g.comment,
    source: g.source,
    enteredBy: g.entered_by,
    version: g.version,
    createdAt: new Date(g.created_at).toISOString(),
    updatedAt: new Date(g.updated_at).toISOString(),
    deleted: g.deleted_at !== null,
  };
}

function toMark(g: GradeRow): Mark {
  return { value: g.value, weight: Number(g.weight), scale: g.scale };
}

function toChangeView(c: ChangeRow): GradeChangeView {
  return {
    id: c.id,
    gradeId: c.grade_id,
    action: c.action,
    before: c.before,
    after: c.after,
    reason: c.reason,
    changedBy: c.changed_by,
    changedByName: c.changed_by_name,
    changedAt: new Date(c.changed_at).toISOString(),
  };
}

function toAttendanceView(a: AttendanceRow): AttendanceView {
  return {
    id: a.id,
    lessonId: a.lesson_id,
    studentId: a.student_id,
    classId: a.class_id,
    subjectId: a.subject_id,
    date: a.date,
    status: a.status,
    reason: a.reason,
    updatedAt: new Date(a.updated_at).toISOString(),
  };
}

function toPeriodRef(r: PeriodRow): PeriodRef {
  return { id: r.id, name: r.name, kind: r.kind, startsOn: r.starts_on, endsOn: r.ends_on };
}

function toPeriodView(r: PeriodRow): PeriodView {
  return { ...toPeriodRef(r), schoolId: r.school_id, academicYear: r.academic_year };
}

function toSettingsView(schoolId: string, g: SchoolGrading): GradingSettingsView {
  return { schoolId, scale: g.scale, workTypes: g.workTypes, roundingThreshold: g.roundingThreshold };
}
