import { AppError } from '../../common/errors/app-error';

export enum HomeworkErrorCode {
  HomeworkNotFound = 'HOMEWORK_NOT_FOUND',
  ClassNotFound = 'CLASS_NOT_FOUND',
  LessonNotFound = 'LESSON_NOT_FOUND',
  StudentNotFound = 'STUDENT_NOT_FOUND',
  SubmissionNotFound = 'SUBMISSION_NOT_FOUND',
  FileNotFound = 'FILE_NOT_FOUND',
  AlreadySubmitted = 'HOMEWORK_ALREADY_SUBMITTED',
  EmptySubmission = 'SUBMISSION_EMPTY',
  NotSubmitted = 'HOMEWORK_NOT_SUBMITTED',
  InvalidHomework = 'INVALID_HOMEWORK',
}

export const HomeworkErrors = {
  homeworkNotFound: () => new AppError(HomeworkErrorCode.HomeworkNotFound, 'Домашнее задание не найдено', 404),
  classNotFound: () => new AppError(HomeworkErrorCode.ClassNotFound, 'Класс не найден', 404),
  lessonNotFound: () => new AppError(HomeworkErrorCode.LessonNotFound, 'Урок этого класса и предмета не найден', 404),
  studentNotFound: () => new AppError(HomeworkErrorCode.StudentNotFound, 'Ученик не найден', 404),
  submissionNotFound: () => new AppError(HomeworkErrorCode.SubmissionNotFound, 'Ответ ученика не найден', 404),
  fileNotFound: () => new AppError(HomeworkErrorCode.FileNotFound, 'Файл не найден', 404),
  alreadySubmitted: () =>
    new AppError(HomeworkErrorCode.AlreadySubmitted, 'Ответ уже отправлен. Повторно отправить можно, только если учитель вернёт работу на доработку', 409),
  emptySubmission: () => new AppError(HomeworkErrorCode.EmptySubmission, 'Добавьте текст ответа или файл', 400),
  notSubmitted: () => new AppError(HomeworkErrorCode.NotSubmitted, 'Ученик ещё не отправил ответ', 409),
  invalid: (field: string, message: string) => new AppError(HomeworkErrorCode.InvalidHomework, message, 422, { field }),
};
