/** Lesson rows of the timetable's queries (their columns and joins are in read-models/lesson-names.read-model.ts). */

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

export interface LessonCandidate {
  date: string;
  startTime: string;
  endTime: string;
  classId: string;
  teacherId: string;
  room: string | null;
  groupName: string | null;
}

/** One entry of a lesson's change history, with who made it. */
export interface LessonChangeRow {
  id: string;
  lesson_id: string;
  kinds: string[];
  before: object;
  after: object;
  reason: string | null;
  changed_at: Date;
  changed_by: string | null;
  changed_by_name: string | null;
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
