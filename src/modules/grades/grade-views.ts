import { Mark } from './averages';
import { AttendanceView } from './dto/attendance.dto';
import { GradeChangeView, GradeView } from './dto/grades.dto';
import { GradingSettingsView } from './dto/grading-settings.dto';
import { PeriodRef, PeriodView } from './dto/periods.dto';
import { SchoolGrading, toApiValue } from './grading-rules';
import { AttendanceRow, ChangeRow, GradeRow, PeriodRow } from './grade-rows';

/** Rows → the API's views, and a grade row → the mark averages count. */

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

export function toMark(g: GradeRow): Mark {
  return { value: g.value, weight: Number(g.weight), scale: g.scale };
}

export function toChangeView(c: ChangeRow): GradeChangeView {
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

export function toAttendanceView(a: AttendanceRow): AttendanceView {
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

export function toPeriodRef(r: PeriodRow): PeriodRef {
  return { id: r.id, name: r.name, kind: r.kind, startsOn: r.starts_on, endsOn: r.ends_on };
}

export function toPeriodView(r: PeriodRow): PeriodView {
  return { ...toPeriodRef(r), schoolId: r.school_id, academicYear: r.academic_year };
}

export function toSettingsView(schoolId: string, g: SchoolGrading): GradingSettingsView {
  return { schoolId, scale: g.scale, workTypes: g.workTypes, roundingThreshold: g.roundingThreshold };
}
