import { AppError } from '../../common/errors/app-error';

/**
 * Homework codes. Classes, lessons, students and files it refers to are refused with the owners' codes
 * (SchoolsErrors, ScheduleErrors, UsersErrors, StorageErrors).
 */
export enum HomeworkErrorCode {
  HomeworkNotFound = 'HOMEWORK_NOT_FOUND',
  SubmissionNotFound = 'SUBMISSION_NOT_FOUND',
  AlreadySubmitted = 'HOMEWORK_ALREADY_SUBMITTED',
  EmptySubmission = 'SUBMISSION_EMPTY',
  NotSubmitted = 'HOMEWORK_NOT_SUBMITTED',
  InvalidHomework = 'INVALID_HOMEWORK',
}

export const HomeworkErrors = {
  /**
   * The homework does not exist or the caller may not do this with it (the two read the same). Reading and comments
   * need access to its class (and to that student's work for a thread); editing, deleting, attachments, returning and
   * grading need the teacher of its class and subject; submitting needs a current student of its class.
   */
  homeworkNotFound: () => new AppError(HomeworkErrorCode.HomeworkNotFound, 'Домашнее задание не найдено', 404),
  /**
   * No such student's work to show: the homework is not visible, the student is not a current student of its class,
   * or the caller may not see that student's work (only the student, their parents, the teacher, the class teacher and admins may).
   */
  submissionNotFound: () => new AppError(HomeworkErrorCode.SubmissionNotFound, 'Ответ ученика не найден', 404),
  /** The student has already submitted and the teacher has not returned the work for rework: a second answer is accepted only after a return. */
  alreadySubmitted: () =>
    new AppError(
      HomeworkErrorCode.AlreadySubmitted,
      'Ответ уже отправлен. Повторно отправить можно, только если учитель вернёт работу на доработку',
      409,
    ),
  /** The submission has neither text nor a file. */
  emptySubmission: () => new AppError(HomeworkErrorCode.EmptySubmission, 'Добавьте текст ответа или файл', 400),
  /** The student has not submitted anything yet (or the submission is gone), so there is nothing to return or grade. */
  notSubmitted: () => new AppError(HomeworkErrorCode.NotSubmitted, 'Ученик ещё не отправил ответ', 409),
  /**
   * A value that fails a homework rule: the due date before the lesson it was set at, or a comment whose student
   * cannot be inferred (a teacher, or a parent with none or several children in the class, must give `studentId`).
   * `details.field` names the field.
   */
  invalid: (field: string, message: string) => new AppError(HomeworkErrorCode.InvalidHomework, message, 422, { field }),
};
