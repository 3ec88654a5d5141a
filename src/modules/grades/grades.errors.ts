import { AppError } from '../../common/errors/app-error';

/**
 * Codes of the journal. Lessons, classes, schools and students it refers to are refused with the owners' codes
 * (ScheduleErrors, SchoolsErrors, UsersErrors); an edit that changes nothing with CommonErrors.nothingChanged.
 */
export enum GradesErrorCode {
  GradeNotFound = 'GRADE_NOT_FOUND',
  PeriodNotFound = 'PERIOD_NOT_FOUND',
  ValueNotInScale = 'GRADE_VALUE_NOT_IN_SCALE',
  UnknownWorkType = 'WORK_TYPE_UNKNOWN',
  DateInFuture = 'DATE_IN_FUTURE',
  TargetRequired = 'GRADE_TARGET_REQUIRED',
  DuplicateStudent = 'DUPLICATE_STUDENT',
  InvalidRange = 'INVALID_DATE_RANGE',
  InvalidSettings = 'INVALID_GRADING_SETTINGS',
  PeriodExists = 'PERIOD_ALREADY_EXISTS',
  ImportBadHeader = 'IMPORT_BAD_HEADER',
  ImportTooManyRows = 'IMPORT_TOO_MANY_ROWS',
  ImportUnreadable = 'IMPORT_FILE_UNREADABLE',
}

export const GradesErrors = {
  /**
   * The grade does not exist (to change or delete: or is already deleted) or the caller may not see it (the two read
   * the same). Its history is open to the student, their parents, the teacher of that class and subject, the class
   * teacher, the lesson's substitute and school admins; changing or deleting it only to that teacher or the substitute.
   */
  gradeNotFound: () => new AppError(GradesErrorCode.GradeNotFound, 'Оценка не найдена', 404),
  /** `periodId` names no grading period of the school in question (a period of another school reads the same). */
  periodNotFound: () => new AppError(GradesErrorCode.PeriodNotFound, 'Учебный период не найден', 404),
  /**
   * The value does not fit the school's grading scale (`details.scale`): an integer from 1 to 5 on `five_point`,
   * `pass` or `fail` on `pass_fail`. The scale is in GET /grades/settings.
   */
  valueNotInScale: (scale: string) =>
    new AppError(
      GradesErrorCode.ValueNotInScale,
      scale === 'pass_fail' ? 'В этой школе ставится «зачёт» или «незачёт» (pass/fail)' : 'Оценка должна быть целым числом от 1 до 5',
      422,
      { scale },
    ),
  /** The work type is not one of the school's (`details.allowed` lists their codes; GET /grades/settings has names and weights). */
  unknownWorkType: (allowed: string[]) => new AppError(GradesErrorCode.UnknownWorkType, 'Неизвестный вид работы', 422, { allowed }),
  /** The lesson's date, or the date given, is after today in the school's time zone: grades and attendance are entered for today or earlier. */
  dateInFuture: () => new AppError(GradesErrorCode.DateInFuture, 'Нельзя ставить оценки и отметки на будущую дату', 422),
  /**
   * A grade without `lessonId` lacks one of `classId`, `subjectId`, `date`. The `?since=` feeds answer with it too
   * when not exactly one of `studentId` and `classId` is given.
   */
  targetRequired: () =>
    new AppError(GradesErrorCode.TargetRequired, 'Укажите урок (lessonId) или класс, предмет и дату (classId, subjectId, date)', 400),
  /** The same student appears twice in one batch of grades, attendance or period marks (`details.studentId`); nothing was written. */
  duplicateStudent: (studentId: string) =>
    new AppError(GradesErrorCode.DuplicateStudent, 'Ученик указан в запросе дважды', 400, { studentId }),
  /**
   * `from` and `to` must come together, in order and at most a year apart (or give `periodId` instead); a new period
   * must not end before it starts.
   */
  invalidRange: () => new AppError(GradesErrorCode.InvalidRange, 'Укажите период (periodId) или даты from и to (не более года)', 400),
  /** Grading settings that contradict themselves beyond field validation (a work-type code given twice); `details.field` names the field. */
  invalidSettings: (message: string, field: string) => new AppError(GradesErrorCode.InvalidSettings, message, 422, { field }),
  /** The school already has a period with this name in that academic year: choose another name. */
  periodExists: () => new AppError(GradesErrorCode.PeriodExists, 'Период с таким названием в этом учебном году уже есть', 409),
  /**
   * The import file's first row lacks required columns (date, subject, student, grade — English or Russian names;
   * an empty file too): `details.missing` lists them, `details.expected` all known columns. Nothing was imported.
   */
  importBadHeader: (missing: string[]) =>
    new AppError(GradesErrorCode.ImportBadHeader, `В первой строке файла нет обязательных столбцов: ${missing.join(', ')}`, 400, {
      missing,
      expected: ['date', 'subject', 'student', 'grade', 'work_type', 'comment'],
    }),
  /** The import file has more data rows than allowed (`details.max`): nothing was imported; split the file. */
  importTooManyRows: (max: number) => new AppError(GradesErrorCode.ImportTooManyRows, `В файле больше ${max} строк`, 413, { max }),
  /** The import file cannot be read as CSV (UTF-8) or XLSX (broken quoting, not a workbook, cut short): nothing was imported. */
  importUnreadable: () => new AppError(GradesErrorCode.ImportUnreadable, 'Не удалось прочитать файл: ожидается CSV (UTF-8) или XLSX', 400),
};
