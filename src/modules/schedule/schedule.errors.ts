import { AppError } from '../../common/errors/app-error';

export enum ScheduleErrorCode {
  LessonNotFound = 'LESSON_NOT_FOUND',
  LessonClash = 'LESSON_CLASH',
  ClassNotFound = 'CLASS_NOT_FOUND',
  StudentNotFound = 'STUDENT_NOT_FOUND',
  TeacherNotFound = 'TEACHER_NOT_FOUND',
  InvalidLesson = 'INVALID_LESSON',
  InvalidWeek = 'INVALID_WEEK',
  LessonCancelled = 'LESSON_CANCELLED',
  NothingChanged = 'NOTHING_CHANGED',
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
  lessonNotFound: () => new AppError(ScheduleErrorCode.LessonNotFound, 'Урок не найден', 404),
  classNotFound: () => new AppError(ScheduleErrorCode.ClassNotFound, 'Класс не найден', 404),
  studentNotFound: () => new AppError(ScheduleErrorCode.StudentNotFound, 'Ученик не найден', 404),
  teacherNotFound: () => new AppError(ScheduleErrorCode.TeacherNotFound, 'Учитель не найден', 404),
  studentHasNoClass: () => new AppError(ScheduleErrorCode.StudentHasNoClass, 'Ученик не зачислен ни в один класс', 404),
  clash: (clashes: ClashDetail[]) =>
    new AppError(ScheduleErrorCode.LessonClash, 'Урок пересекается с другим уроком того же класса, учителя или кабинета', 409, { clashes }),
  invalid: (field: string, message: string) => new AppError(ScheduleErrorCode.InvalidLesson, message, 422, { field }),
  invalidWeek: () => new AppError(ScheduleErrorCode.InvalidWeek, 'Неделя указывается как ГГГГ-Wнн (например, 2026-W48), current или next', 400),
  cancelled: () => new AppError(ScheduleErrorCode.LessonCancelled, 'Урок отменён', 409),
  nothingChanged: () => new AppError(ScheduleErrorCode.NothingChanged, 'Изменений нет', 422),
};
