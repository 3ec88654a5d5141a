import { AppError } from '../../common/errors/app-error';

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
  regionNotFound: () => new AppError(SchoolsErrorCode.RegionNotFound, 'Регион не найден', 404),
  schoolNotFound: () => new AppError(SchoolsErrorCode.SchoolNotFound, 'Школа не найдена', 404),
  classNotFound: () => new AppError(SchoolsErrorCode.ClassNotFound, 'Класс не найден', 404),
  subjectNotFound: () => new AppError(SchoolsErrorCode.SubjectNotFound, 'Предмет не найден', 404),
  duplicateRegionCode: () => new AppError(SchoolsErrorCode.DuplicateRegionCode, 'Регион с таким кодом уже есть', 409),
  duplicateSchoolName: () => new AppError(SchoolsErrorCode.DuplicateSchoolName, 'В регионе уже есть школа с таким названием', 409),
  duplicateClass: () => new AppError(SchoolsErrorCode.DuplicateClass, 'Такой класс в этом учебном году уже есть', 409),
  duplicateSubject: () => new AppError(SchoolsErrorCode.DuplicateSubject, 'Такой предмет в школе уже есть', 409),
  inUse: (what: string) => new AppError(SchoolsErrorCode.InUse, `${what}: удаление невозможно, есть связанные данные`, 409),
};
