import { AppError } from '../../common/errors/app-error';

/**
 * Timetable codes. LESSON_NOT_FOUND and LESSON_CANCELLED are defined here only: grades and homework throw these
 * factories for the lessons they refer to. Classes and students are refused with SchoolsErrors and UsersErrors.
 */
export enum ScheduleErrorCode {
  LessonNotFound = 'LESSON_NOT_FOUND',
  LessonClash = 'LESSON_CLASH',
  TeacherNotFound = 'TEACHER_NOT_FOUND',
  InvalidLesson = 'INVALID_LESSON',
  InvalidWeek = 'INVALID_WEEK',
  LessonCancelled = 'LESSON_CANCELLED',
  StudentHasNoClass = 'STUDENT_HAS_NO_CLASS',
}

export interface ClashDetail {
  /** The clashing lesson already in the timetable (or the index of a lesson in the same request). */
  lessonId: string | null;
  requestIndex?: number;
  with?: number;
  date: string;
  startTime: string;
  endTime: string;
  /** What collides: the class, the teacher, the room. */
  reasons: Array<'class' | 'teacher' | 'room'>;
}

export const ScheduleErrors = {
  /**
   * The lesson does not exist or the caller may not see it for this action (the two read the same): reading needs
   * access to its class, or being its teacher or substitute; changing, cancelling or restoring needs an admin of its
   * school; grades and attendance need the teacher of that class and subject or the lesson's substitute; homework
   * needs a lesson of the homework's own class and subject.
   */
  lessonNotFound: () => new AppError(ScheduleErrorCode.LessonNotFound, 'Урок не найден', 404),
  /** Not a teacher, or a teacher whose week the caller may not read (only the teacher and admins of their school may; the two read the same). */
  teacherNotFound: () => new AppError(ScheduleErrorCode.TeacherNotFound, 'Учитель не найден', 404),
  /** The student (whom the caller may see) is not enrolled in any class right now, so they have no timetable. */
  studentHasNoClass: () => new AppError(ScheduleErrorCode.StudentHasNoClass, 'Ученик не зачислен ни в один класс', 404),
  /**
   * The lesson would overlap a scheduled lesson of the same class (or the same group of it), teacher or room, or
   * another lesson of the same request. `details.clashes` names each one (`lessonId`, or `requestIndex`/`with` within
   * the request) and what collides; nothing was written — change the time, teacher or room.
   */
  clash: (clashes: ClashDetail[]) =>
    new AppError(ScheduleErrorCode.LessonClash, 'Урок пересекается с другим уроком того же класса, учителя или кабинета', 409, { clashes }),
  /**
   * A lesson value that fails a rule of the timetable: it does not end after it starts, its subject or teacher is not
   * of the class's school, or a term pattern ends before it starts, spans more than 200 days or has no day in its
   * range. `details.field` names the field; the message says what is wrong.
   */
  invalid: (field: string, message: string) => new AppError(ScheduleErrorCode.InvalidLesson, message, 422, { field }),
  /** The `week` parameter is neither an ISO week (`2026-W48`) nor `current` or `next`. */
  invalidWeek: () =>
    new AppError(ScheduleErrorCode.InvalidWeek, 'Неделя указывается как ГГГГ-Wнн (например, 2026-W48), current или next', 400),
  /**
   * The lesson is cancelled: it cannot be moved, given another room or a substitute, and grades and attendance cannot
   * be entered for it (its topic may still change). Restore it first (POST /schedule/lessons/{id}/restore).
   */
  lessonCancelled: () => new AppError(ScheduleErrorCode.LessonCancelled, 'Урок отменён', 409),
};
