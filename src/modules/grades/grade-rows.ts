import { AttendanceStatus } from './entities/attendance-mark.entity';
import { GradeScale, GradeSource } from './entities/grade.entity';

/** Rows the grades repositories answer with (snake_case, as PostgreSQL returns them), and their column lists. */

export interface GradeRow {
  id: string;
  school_id: string;
  student_id: string;
  class_id: string;
  subject_id: string;
  lesson_id: string | null;
  date: string;
  scale: GradeScale;
  value: number;
  work_type: string;
  weight: string;
  comment: string | null;
  source: GradeSource;
  entered_by: string;
  version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  cx?: string;
}

export interface NewGrade {
  schoolId: string;
  studentId: string;
  classId: string;
  subjectId: string;
  lessonId: string | null;
  date: string;
  scale: GradeScale;
  value: number;
  workType: string;
  weight: number;
  comment: string | null;
  source: GradeSource;
  sourceRef: string | null;
  enteredBy: string;
}

export interface AttendanceRow {
  id: string;
  lesson_id: string;
  student_id: string;
  class_id: string;
  subject_id: string;
  school_id: string;
  date: string;
  status: AttendanceStatus;
  reason: string | null;
  version: number;
  updated_at: Date;
  previous_status?: AttendanceStatus | null;
  cx?: string;
}

export interface PeriodRow {
  id: string;
  school_id: string;
  academic_year: number;
  kind: 'term' | 'half' | 'year';
  name: string;
  starts_on: string;
  ends_on: string;
}

export interface ChangeRow {
  id: string;
  grade_id: string;
  action: 'changed' | 'deleted';
  before: Record<string, unknown>;
  after: Record<string, unknown> | null;
  reason: string | null;
  changed_by: string;
  changed_at: Date;
  changed_by_name: string;
}

export interface PeriodMarkRow {
  student_id: string;
  subject_id: string;
  period_id: string;
  scale: string;
  value: number;
  comment: string | null;
}

export const GRADE_COLUMNS = `g.id, g.school_id, g.student_id, g.class_id, g.subject_id, g.lesson_id, to_char(g.date, 'YYYY-MM-DD') AS date, g.scale, g.value,
  g.work_type, g.weight, g.comment, g.source, g.entered_by, g.version, g.created_at, g.updated_at, g.deleted_at`;
export const ATTENDANCE_COLUMNS = `a.id, a.lesson_id, a.student_id, a.class_id, a.subject_id, a.school_id, to_char(a.date, 'YYYY-MM-DD') AS date,
  a.status, a.reason, a.version, a.updated_at`;
export const PERIOD_COLUMNS = `id, school_id, academic_year, kind, name, to_char(starts_on, 'YYYY-MM-DD') AS starts_on, to_char(ends_on, 'YYYY-MM-DD') AS ends_on`;
/** "Last F. M." of a users row alias. */
export const shortName = (u: string): string =>
  `${u}.last_name || ' ' || left(${u}.first_name, 1) || '.' || COALESCE(' ' || left(${u}.middle_name, 1) || '.', '')`;
