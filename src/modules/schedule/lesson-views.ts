import { LessonChangePage, LessonChangeView, LessonView } from './dto/schedule.dto';
import { LessonChangeRow, LessonRow } from './lesson-sql';

/** Rows of the timetable's queries as the API shows them (pure). */

export function toLessonView(r: LessonRow): LessonView {
  return {
    id: r.id,
    schoolId: r.school_id,
    class: { id: r.class_id, name: r.class_name },
    subject: { id: r.subject_id, name: r.subject_name },
    teacher: { id: r.teacher_id, shortName: r.teacher_name },
    substituteTeacher: r.substitute_teacher_id ? { id: r.substitute_teacher_id, shortName: r.substitute_name ?? '' } : null,
    date: r.date,
    startTime: r.start_time,
    endTime: r.end_time,
    startsAt: new Date(r.starts_at).toISOString(),
    room: r.room,
    groupName: r.group_name,
    topic: r.topic,
    status: r.status,
  };
}

export function toChangePage(rows: LessonChangeRow[], limit: number): LessonChangePage {
  const items: LessonChangeView[] = rows.map((r) => ({
    id: r.id,
    lessonId: r.lesson_id,
    kinds: r.kinds,
    before: r.before as Record<string, unknown>,
    after: r.after as Record<string, unknown>,
    reason: r.reason,
    changedBy: r.changed_by ? { id: r.changed_by, shortName: r.changed_by_name ?? '' } : null,
    changedAt: new Date(r.changed_at).toISOString(),
  }));
  return { items, nextCursor: rows.length === limit ? rows[rows.length - 1].id : null };
}
