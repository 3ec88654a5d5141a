import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { CachedJson, ReadCache, readKey } from '../../core/read-cache/read-cache';
import { SchoolsErrors } from '../schools/schools.errors';
import { UsersErrors } from '../users/users.errors';
import { WeekLessonView, WeekView } from './dto/schedule.dto';
import { toApiValue } from '../../common/grading/grade-value';
import { toLessonView } from './lesson-views';
import { WeekLessonRow, WeekViewReadModel } from './read-models/week-view.read-model';
import { ScheduleErrors } from './schedule.errors';
import { TimetableContextReadModel } from './read-models/timetable-context.read-model';
import { ScheduleRepository } from './schedule.repository';
import { addDays, resolveWeek } from './school-time';

/** Week views: a student's (cached, marks by the grade rule), a teacher's and a class's (per-lesson counts). */
@Injectable()
export class WeekViewsService {
  constructor(
    private readonly repo: ScheduleRepository,
    private readonly context: TimetableContextReadModel,
    private readonly weekView: WeekViewReadModel,
    private readonly cache: ReadCache,
  ) {}

  /**
   * A student's week, assembled once per change (see ReadCache) and per grade audience: the student and their parents
   * share one copy, anyone else who sees only some of the marks (a subject teacher) gets their own.
   */
  async studentWeek(p: Principal, studentId: string, week: string | undefined): Promise<CachedJson> {
    const ctx = await this.weekView.findStudentWeekContext(p, studentId);
    if (!ctx) throw UsersErrors.studentNotFound();
    const range = resolveWeek(week, ctx.tz);
    if (!range) throw ScheduleErrors.invalidWeek();
    const classId = ctx.class_id;
    if (!classId) throw ScheduleErrors.studentHasNoClass();
    const key = readKey('student-week', studentId, range.week, classId, ctx.tz, ctx.versions, ctx.audience);
    return this.cache.json(key, async (): Promise<WeekView> => {
      const [lessons, other] = await Promise.all([
        this.weekView.findWeek({ classId }, range.from, range.to, { studentId, viewer: p }),
        this.weekView.findUnattachedGrades(p, studentId, range.from, range.to),
      ]);
      return {
        ...range,
        timezone: ctx.tz,
        days: toDays(range.from, lessons, true),
        otherGrades: other.map((g) => ({
          id: g.id,
          value: toApiValue(g.value, g.scale),
          workType: g.work_type,
          weight: Number(g.weight),
          comment: g.comment,
          date: g.date,
          subject: { id: g.subject_id, name: g.subject_name },
        })),
      };
    });
  }

  async teacherWeek(p: Principal, teacherId: string, week: string | undefined): Promise<WeekView> {
    const ctx = await this.context.findTeacherContext(p, teacherId);
    if (!ctx) throw ScheduleErrors.teacherNotFound();
    const range = resolveWeek(week, ctx.tz);
    if (!range) throw ScheduleErrors.invalidWeek();
    const lessons = await this.weekView.findWeek({ teacherId }, range.from, range.to, null);
    return { ...range, timezone: ctx.tz, days: toDays(range.from, lessons, false), otherGrades: [] };
  }

  async classWeek(p: Principal, classId: string, week: string | undefined): Promise<WeekView> {
    const ctx = await this.context.isClassReadable(p, classId);
    if (!ctx) throw SchoolsErrors.classNotFound();
    const range = resolveWeek(week, ctx.tz);
    if (!range) throw ScheduleErrors.invalidWeek();
    const lessons = await this.weekView.findWeek({ classId }, range.from, range.to, null);
    return { ...range, timezone: ctx.tz, days: toDays(range.from, lessons, false), otherGrades: [] };
  }
}

function toDays(from: string, rows: WeekLessonRow[], perStudent: boolean): WeekView['days'] {
  const days: WeekView['days'] = Array.from({ length: 7 }, (_, i) => ({
    date: addDays(from, i),
    weekday: i + 1,
    lessons: [] as WeekLessonView[],
  }));
  for (const r of rows) {
    const day = days.find((d) => d.date === r.date);
    if (!day) continue;
    day.lessons.push({
      ...toLessonView(r),
      homeworkAssigned: r.hw_assigned,
      homeworkDue: r.hw_due,
      grades: perStudent
        ? (r.grades ?? []).map((g) => ({
            id: g.id,
            value: toApiValue(g.value, g.scale),
            workType: g.workType,
            weight: Number(g.weight),
            comment: g.comment,
          }))
        : [],
      attendance: perStudent ? r.attendance : null,
      gradeCount: perStudent ? (r.grades ?? []).length : r.grade_count,
      absenceCount: perStudent ? (r.attendance && r.attendance.status !== 'excused' ? 1 : 0) : r.absence_count,
    });
  }
  return days;
}
