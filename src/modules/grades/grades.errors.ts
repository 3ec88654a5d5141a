import { AppError } from '../../common/errors/app-error';

export enum GradesErrorCode {
  GradeNotFound = 'GRADE_NOT_FOUND',
  LessonNotFound = 'LESSON_NOT_FOUND',
  ClassNotFound = 'CLASS_NOT_FOUND',
  StudentNotFound = 'STUDENT_NOT_FOUND',
  SchoolNotFound = 'SCHOOL_NOT_FOUND',
  PeriodNotFound = 'PERIOD_NOT_FOUND',
  LessonCancelled = 'LESSON_CANCELLED',
  ValueNotInScale = 'GRADE_VALUE_NOT_IN_SCALE',
  UnknownWorkType = 'WORK_TYPE_UNKNOWN',
  DateInFuture = 'DATE_IN_FUTURE',
  TargetRequired = 'GRADE_TARGET_REQUIRED',
  DuplicateStudent = 'DUPLICATE_STUDENT',
  InvalidRange = 'INVALID_DATE_RANGE',
  InvalidSettings = 'INVALID_GRADING_SETTINGS',
  PeriodExists = 'PERIOD_ALREADY_EXISTS',
  NothingChanged = 'NOTHING_CHANGED',
  ImportBadHeader = 'IMPORT_BAD_HEADER',
  ImportTooManyRows = 'IMPORT_TOO_MANY_ROWS',
  ImportUnreadable = 'IMPORT_FILE_UNREADABLE',
}

export const GradesErrors = {
  gradeNotFound: () => new AppError(GradesErrorCode.GradeNotFound, 'Оценка не найдена', 404),
  lessonNotFound: () => new AppError(GradesErrorCode.LessonNotFound, 'Урок не найден', 404),
  classNotFound: () => new AppError(GradesErrorCode.ClassNotFound, 'Класс не найден', 404),
  studentNotFound: (studentIds?: string[]) =>
    new AppError(GradesErrorCode.StudentNotFound, 'Ученик не найден в этом классе', 404, studentIds ? { studentIds } : undefined),
  schoolNotFound: () => new AppError(GradesErrorCode.SchoolNotFound, 'Школа не найдена', 404),
  periodNotFound: () => new AppError(GradesErrorCode.PeriodNotFound, 'Учебный период не найден', 404),
  lessonCancelled: () => new AppError(GradesErrorCode.LessonCancelled, 'Урок отменён: оценки и отметки за него не ставятся', 409),
  valueNotInScale: (scale: string) =>
    new AppError(
      GradesErrorCode.ValueNotInScale,
      scale === 'pass_fail' ? 'В этой школе ставится «зачёт» или «незачёт» (pass/fail)' : 'Оценка должна быть целым числом от 1 до 5',
      422,
      { scale },
    ),
  unknownWorkType: (allowed: string[]) => new AppError(GradesErrorCode.UnknownWorkType, 'Неизвестный вид работы', 422, { allowed }),
  dateInFuture: () => new AppError(GradesErrorCode.DateInFuture, 'Нельзя ставить оценки и отметки на будущую дату', 422),
  targetRequired: () =>
    new AppError(GradesErrorCode.TargetRequired, 'Укажите урок (lessonId) или класс, предмет и дату (classId, subjectId, date)', 400),
  duplicateStudent: (studentId: string) => new AppError(GradesErrorCode.DuplicateStudent, 'Ученик указан в запросе дважды', 400, { studentId }),
  invalidRange: () => new AppError(GradesErrorCode.InvalidRange, 'Укажите период (periodId) или даты from и to (не более года)', 400),
  invalidSettings: (message: string, field: string) => new AppError(GradesErrorCode.InvalidSettings, message, 422, { field }),
  periodExists: () => new AppError(GradesErrorCode.PeriodExists, 'Период с таким названием в этом учебном году уже есть', 409),
  nothingChanged: () => new AppError(GradesErrorCode.NothingChanged, 'Изменений нет', 422),
  importBadHeader: (missing: string[]) =>
    new AppError(GradesErrorCode.ImportBadHeader, `В первой строке файла нет обязательных столбцов: ${missing.join(', ')}`, 400, {
      missing,
      expected: ['date', 'subject', 'student', 'grade', 'work_type', 'comment'],
    }),
  importTooManyRows: (max: number) => new AppError(GradesErrorCode.ImportTooManyRows, `В файле больше ${max} строк`, 413, { max }),
  importUnreadable: () => new AppError(GradesErrorCode.ImportUnreadable, 'Не удалось прочитать файл: ожидается CSV (UTF-8) или XLSX', 400),
};
