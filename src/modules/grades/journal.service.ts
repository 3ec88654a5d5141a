import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { dateInZone } from '../../common/time/zoned-date';
import { CachedJson, ReadCache, readKey } from '../../core/read-cache/read-cache';
import { ScheduleService } from '../schedule/schedule.service';
import { addDays, daysBetween } from '../schedule/school-time';
import { SchoolsErrors } from '../schools/schools.errors';
import { UsersErrors } from '../users/users.errors';
import { AverageResult, Mark, weightedAverage } from './averages';
import { JournalQueryDto, JournalView, RangeQueryDto, StudentGradesView, WhatIfDto, WhatIfView } from './dto/journal.dto';
import { PeriodRef } from './dto/periods.dto';
import { GradeRow } from './grade-rows';
import { toGradeView, toMark, toPeriodRef } from './grade-views';
import { toApiValue, workTypeOf } from './grading-rules';
import { GradesErrors } from './grades.errors';
import { GradesRepository } from './grades.repository';
import { JournalRepository } from './journal.repository';
import { GradeContextReadModel } from './read-models/grade-context.read-model';
import { GradeNamesReadModel } from './read-models/grade-names.read-model';

/**
 * What the journal shows: a class journal (students × lessons of a subject and period, cached: see ReadCache),
 * a student's grades by subject with weighted averages (averages.ts) and period marks, and the what-if average.
 */
@Injectable()
export class JournalService {
  constructor(
    private readonly repo: JournalRepository,
    private readonly grades: GradesRepository,
    private readonly context: GradeContextReadModel,
    private readonly names: GradeNamesReadModel,
    private readonly schedule: ScheduleService,
    private readonly cache: ReadCache,
  ) {}

  async studentGrades(p: Principal, studentId: string, q: RangeQueryDto): Promise<StudentGradesView> {
    const ctx = await this.context.findStudentContext(p, studentId);
    if (!ctx) throw UsersErrors.studentNotFound();
    const [range, grading] = await Promise.all([this.resolveRange(ctx.school_id, ctx.tz, q), this.grades.findGrading(ctx.school_id)]);
    const [grades, periodMarks] = await Promise.all([
      this.names.findStudentGrades(studentId, range.from, range.to, null, p),
      range.period ? this.grades.findPeriodMarks(range.period.id, { studentId }) : Promise.resolve([]),
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
    const ctx = await this.context.findStudentContext(p, studentId);
    if (!ctx) throw UsersErrors.studentNotFound();
    const [range, grading] = await Promise.all([this.resolveRange(ctx.school_id, ctx.tz, dto), this.grades.findGrading(ctx.school_id)]);
    const grades = await this.names.findStudentGrades(studentId, range.from, range.to, dto.subjectId, p);
    const current = grades.map(toMark);
    const extra: Mark[] = dto.extra.map((e) => ({
      value: e.value,
      weight: workTypeOf(grading, e.workType).weight,
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
      const period = await this.grades.findPeriod(q.periodId, schoolId);
      if (!period) throw GradesErrors.periodNotFound();
      return { from: period.starts_on, to: period.ends_on, period: toPeriodRef(period) };
    }
    if (q.from || q.to) {
      if (!q.from || !q.to || q.from > q.to || daysBetween(q.from, q.to) > 366) throw GradesErrors.invalidRange();
      return { from: q.from, to: q.to, period: null };
    }
    // The current school year: 1 September to 31 August.
    const today = dateInZone(new Date(), tz);
    const year = Number(today.slice(0, 4)) - (today.slice(5) < '09-01' ? 1 : 0);
    return { from: `${year}-09-01`, to: addDays(`${year + 1}-09-01`, -1), period: null };
  }

  // ---- journal ------------------------------------------------------------------------------------

  /** Students × lessons of one subject and period, with grades, absences, averages, period marks. */
  async journal(p: Principal, q: JournalQueryDto): Promise<CachedJson> {
    const cls = await this.context.findJournalClass(p, q.classId, q.subjectId);
    if (!cls) throw SchoolsErrors.classNotFound();
    // Without a period the range needs no query (dates given, or the current school year), so it goes into
    // the key; a period is resolved when the journal is built (periods are in the catalog's version).
    const dates = q.periodId ? null : await this.resolveRange(cls.school_id, cls.tz, q);
    const key = readKey('journal', q.classId, q.subjectId, q.periodId, dates?.from, dates?.to, cls.versions);
    return this.cache.json(key, async (): Promise<JournalView> => {
      const range = dates ?? (await this.resolveRange(cls.school_id, cls.tz, q));
      const [students, lessons, grades, grading, periodMarks] = await Promise.all([
        this.context.findClassStudents(q.classId),
        this.schedule.classSubjectLessons(q.classId, q.subjectId, range.from, range.to),
        this.repo.findClassSubjectGrades(q.classId, q.subjectId, range.from, range.to),
        this.grades.findGrading(cls.school_id),
        range.period ? this.grades.findPeriodMarks(range.period.id, { classId: q.classId, subjectId: q.subjectId }) : Promise.resolve([]),
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
}
