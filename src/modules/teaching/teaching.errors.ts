import { AppError } from '../../common/errors/app-error';

export enum TeachingErrorCode {
  AssignmentNotFound = 'ASSIGNMENT_NOT_FOUND',
  AssignmentExists = 'ASSIGNMENT_ALREADY_EXISTS',
  NotATeacher = 'NOT_A_TEACHER_OF_SCHOOL',
  SchoolMismatch = 'DIFFERENT_SCHOOLS',
  AlreadyClassTeacher = 'ALREADY_CLASS_TEACHER',
  NoClassTeacher = 'NO_CLASS_TEACHER',
}

export const TeachingErrors = {
  assignmentNotFound: () => new AppError(TeachingErrorCode.AssignmentNotFound, 'Назначение не найдено', 404),
  assignmentExists: () => new AppError(TeachingErrorCode.AssignmentExists, 'Учитель уже ведёт этот предмет в этом классе', 409),
  notATeacher: () => new AppError(TeachingErrorCode.NotATeacher, 'Пользователь не является учителем этой школы', 400),
  schoolMismatch: () => new AppError(TeachingErrorCode.SchoolMismatch, 'Класс и предмет должны принадлежать одной школе', 400),
  alreadyClassTeacher: () => new AppError(TeachingErrorCode.AlreadyClassTeacher, 'Этот учитель уже классный руководитель другого класса', 409),
  noClassTeacher: () => new AppError(TeachingErrorCode.NoClassTeacher, 'У класса нет классного руководителя', 404),
};
