import { AppError } from '../../common/errors/app-error';

/**
 * Codes of the school structure. CLASS_NOT_FOUND and SCHOOL_NOT_FOUND are defined here only: every module that
 * refuses a class or a school it cannot see (timetable, grades, homework, messaging) throws these factories.
 */
export enum SchoolsErrorCode {
  RegionNotFound = 'REGION_NOT_FOUND',
  SchoolNotFound = 'SCHOOL_NOT_FOUND',
  ClassNotFound = 'CLASS_NOT_FOUND',
  SubjectNotFound = 'SUBJECT_NOT_FOUND',
  DuplicateRegionCode = 'REGION_CODE_TAKEN',
  DuplicateSchoolName = 'SCHOOL_NAME_TAKEN',
  DuplicateClass = 'CLASS_ALREADY_EXISTS',
  DuplicateSubject = 'SUBJECT_ALREADY_EXISTS',
  InUse = 'STILL_IN_USE',
}

export const SchoolsErrors = {
  /**
   * The region does not exist or lies outside the caller's admin scope (the two read the same): a region admin
   * sees only their own region; a school admin may read their school's region but not change it.
   */
  regionNotFound: () => new AppError(SchoolsErrorCode.RegionNotFound, 'Регион не найден', 404),
  /**
   * The school does not exist or the caller may not see it (the two read the same): on the admin routes, a school
   * outside the caller's school or region; for grading settings and periods, a school the caller neither belongs to
   * nor administers (changing them needs an admin of that school).
   */
  schoolNotFound: () => new AppError(SchoolsErrorCode.SchoolNotFound, 'Школа не найдена', 404),
  /**
   * The class does not exist or the caller may not see it for this action (the two read the same). Admin routes and
   * timetable editing need an admin of its school or region; its week, timetable changes and homework list also admit
   * its teachers, class teacher, current students and their parents; the journal and class feeds its teachers and class
   * teacher; entering grades, period marks or homework needs a teacher of that subject in that class, an import a
   * teacher of the class; a class announcement needs its class teacher or a school admin.
   */
  classNotFound: () => new AppError(SchoolsErrorCode.ClassNotFound, 'Класс не найден', 404),
  /** The subject does not exist or belongs to a school the caller does not administer (the two read the same). */
  subjectNotFound: () => new AppError(SchoolsErrorCode.SubjectNotFound, 'Предмет не найден', 404),
  /** Another region already has this code (region codes are unique): choose another code. */
  duplicateRegionCode: () => new AppError(SchoolsErrorCode.DuplicateRegionCode, 'Регион с таким кодом уже есть', 409),
  /** The region already has a school with this name (names are unique within a region): choose another name. */
  duplicateSchoolName: () => new AppError(SchoolsErrorCode.DuplicateSchoolName, 'В регионе уже есть школа с таким названием', 409),
  /** The school already has a class with this name in this academic year (e.g. a second «5А» for 2025): choose another name or year. */
  duplicateClass: () => new AppError(SchoolsErrorCode.DuplicateClass, 'Такой класс в этом учебном году уже есть', 409),
  /** The school already has a subject with this name. */
  duplicateSubject: () => new AppError(SchoolsErrorCode.DuplicateSubject, 'Такой предмет в школе уже есть', 409),
  /**
   * The class or subject cannot be deleted while other rows refer to it: lessons, grades, homework, and for a class
   * also attendance and enrolled students, for a subject period marks. Teacher assignments and the class teacher go with it.
   */
  inUse: (what: string) => new AppError(SchoolsErrorCode.InUse, `${what}: удаление невозможно, есть связанные данные`, 409),
};
