import { NewEvent } from '../events/event-types';
import { toApiValue } from './grading-rules';
import { AttendanceRow, GradeRow, NewGrade } from './grade-rows';

/** The outbox events the journal writes (docs/domain.md: who is told what), built from the rows they are about. */

export function gradeCreatedEvent(
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

/** grade.changed (old → new) or grade.deleted, for the row before (`old`) and after (`now`) the correction. */
export function gradeCorrectedEvent(old: GradeRow, now: GradeRow, action: 'changed' | 'deleted', actorId: string): NewEvent {
  const after = action === 'deleted' ? null : facts(now);
  return {
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
  };
}

/** attendance.marked for a mark written with a status other than present (the previous one rides along). */
export function attendanceMarkedEvent(a: AttendanceRow, actorId: string): NewEvent {
  return {
    type: 'attendance.marked',
    aggregateType: 'attendance',
    aggregateId: a.id,
    schoolId: a.school_id,
    actorId,
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
  };
}

/** What a correction records of a grade, before and after (grade_changes and the history). */
export function facts(g: GradeRow): Record<string, unknown> {
  return { value: toApiValue(g.value, g.scale), workType: g.work_type, weight: Number(g.weight), comment: g.comment };
}

export function toRowLike(
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
