import { ClashDetail, ScheduleErrors } from './schedule.errors';
import { ClashRow, LessonCandidate, NewLessonRow } from './lesson-sql';
import { zonedToUtc } from './school-time';

/** Pure rules of timetable edits: times in order, the lessons of a pattern, clashes within one request. */

export function checkTimes(start: string, end: string, field = ''): void {
  if (end <= start) throw ScheduleErrors.invalid(field ? `${field}.endTime` : 'endTime', 'Урок должен заканчиваться позже, чем начинается');
}

export function toNewLesson(
  schoolId: string,
  tz: string,
  classId: string,
  it: { subjectId: string; teacherId: string; startTime: string; endTime: string; room?: string; groupName?: string; topic?: string },
  date: string,
  seriesId: string | null,
): NewLessonRow {
  return {
    schoolId,
    classId,
    subjectId: it.subjectId,
    teacherId: it.teacherId,
    date,
    startTime: it.startTime,
    endTime: it.endTime,
    startsAt: zonedToUtc(date, it.startTime, tz),
    endsAt: zonedToUtc(date, it.endTime, tz),
    room: it.room ?? null,
    groupName: it.groupName ?? null,
    topic: it.topic ?? null,
    seriesId,
  };
}

/** Clashes among lessons of the same request (a pattern that collides with itself). */
export function clashesWithin(rows: LessonCandidate[]): ClashDetail[] {
  const out: ClashDetail[] = [];
  const byDate = new Map<string, number[]>();
  rows.forEach((r, i) => byDate.set(r.date, [...(byDate.get(r.date) ?? []), i]));
  for (const idxs of byDate.values()) {
    for (let a = 0; a < idxs.length; a++) {
      for (let b = a + 1; b < idxs.length; b++) {
        const x = rows[idxs[a]];
        const y = rows[idxs[b]];
        if (!(x.startTime < y.endTime && x.endTime > y.startTime)) continue;
        const reasons: ClashDetail['reasons'] = [];
        if (x.classId === y.classId && (!x.groupName || !y.groupName || x.groupName === y.groupName)) reasons.push('class');
        if (x.teacherId === y.teacherId) reasons.push('teacher');
        if (x.room && x.room === y.room) reasons.push('room');
        if (reasons.length)
          out.push({
            lessonId: null,
            requestIndex: idxs[a],
            with: idxs[b],
            date: x.date,
            startTime: y.startTime,
            endTime: y.endTime,
            reasons,
          });
        if (out.length >= 50) return out;
      }
    }
  }
  return out;
}

export function toClashDetail(c: ClashRow): ClashDetail {
  const reasons: ClashDetail['reasons'] = [];
  if (c.class_clash) reasons.push('class');
  if (c.teacher_clash) reasons.push('teacher');
  if (c.room_clash) reasons.push('room');
  return { lessonId: c.id, requestIndex: c.idx, date: c.date, startTime: c.start_time, endTime: c.end_time, reasons };
}
