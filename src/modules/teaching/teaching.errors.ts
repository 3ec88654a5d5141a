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
  /** The teacher assignment does not exist or its class is in a school the caller does not administer (the two read the same). */
  assignmentNotFound: () => new AppError(TeachingErrorCode.AssignmentNotFound, 'Назначение не найдено', 404),
  /** This teacher already teaches this subject in this class: nothing to add (list the assignments to find its id). */
  assignmentExists: () => new AppError(TeachingErrorCode.AssignmentExists, 'Учитель уже ведёт этот предмет в этом классе', 409),
  /**
   * The user to assign (as a subject teacher or class teacher) is unknown, has no `teacher` role, or belongs to
   * another school than the class: give the id of a teacher of that school.
   */
  notATeacher: () => new AppError(TeachingErrorCode.NotATeacher, 'Пользователь не является учителем этой школы', 400),
  /** The class and the subject of a new assignment belong to different schools. */
  schoolMismatch: () => new AppError(TeachingErrorCode.SchoolMismatch, 'Класс и предмет должны принадлежать одной школе', 400),
  /**
   * The teacher already leads another class (one class per class teacher): remove them there first
   * (DELETE /admin/classes/{id}/class-teacher), then appoint them here.
   */
  alreadyClassTeacher: () =>
    new AppError(TeachingErrorCode.AlreadyClassTeacher, 'Этот учитель уже классный руководитель другого класса', 409),
  /** The class (which the caller may see) has no class teacher at the moment: nothing to read or remove. */
  noClassTeacher: () => new AppError(TeachingErrorCode.NoClassTeacher, 'У класса нет классного руководителя', 404),
};
