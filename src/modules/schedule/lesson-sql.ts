/** Lesson rows of the timetable's queries, and the columns and joins of a lesson as every view shows it. */

/** A lesson as the views need it: its own columns plus names, in one row. */
export interface LessonRow {
  id: string;
  school_id: string;
  class_id: string;
  class_name: string;
  subject_id: string;
  subject_name: string;
  teacher_id: string;
  teacher_name: string;
  substitute_teacher_id: string | null;
  substitute_name: string | null;
  date: string;
  start_time: string;
  end_time: string;
  starts_at: Date;
  room: string | null;
  group_name: string | null;
  topic: string | null;
  status: 'scheduled' | 'cancelled';
}

/** "Иванова М. П." from the name columns of alias `u`. */
export const shortName = (u: string): string =>
  `${u}.last_name || ' ' || left(${u}.first_name, 1) || '.' || COALESCE(' ' || left(${u}.middle_name, 1) || '.', '')`;

export const LESSON_COLUMNS = `
  l.id, l.school_id, l.class_id, c.name AS class_name, l.subject_id, sub.name AS subject_name,
  l.teacher_id, ${shortName('t')} AS teacher_name,
  l.substitute_teacher_id, CASE WHEN st.id IS NULL THEN NULL ELSE ${shortName('st')} END AS substitute_name,
  to_char(l.date, 'YYYY-MM-DD') AS date, to_char(l.start_time, 'HH24:MI') AS start_time, to_char(l.end_time, 'HH24:MI') AS end_time,
  l.starts_at, l.room, l.group_name, l.topic, l.status`;

export const LESSON_JOINS = `
  JOIN classes c ON c.id = l.class_id
  JOIN subjects sub ON sub.id = l.subject_id
  JOIN users t ON t.id = l.teacher_id
  LEFT JOIN users st ON st.id = l.substitute_teacher_id`;

export interface LessonCandidate {
  date: string;
  startTime: string;
  endTime: string;
  classId: string;
  teacherId: string;
  room: string | null;
  groupName: string | null;
}

export interface ClashRow {
  idx: number;
  id: string;
  date: string;
  start_time: string;
  end_time: string;
  class_clash: boolean;
  teacher_clash: boolean;
  room_clash: boolean;
}

export interface NewLessonRow extends LessonCandidate {
  schoolId: string;
  subjectId: string;
  startsAt: Date;
  endsAt: Date;
  topic: string | null;
  seriesId: string | null;
}

export interface LessonFacts {
  id: string;
  schoolId: string;
  classId: string;
  subjectId: string;
  teacherId: string;
  substituteTeacherId: string | null;
  date: string;
  status: 'scheduled' | 'cancelled';
  startsAt: Date;
  startTime?: string;
  topic?: string | null;
}
