import { AppError } from '../../common/errors/app-error';

export enum UsersErrorCode {
  UserNotFound = 'USER_NOT_FOUND',
  LoginTaken = 'LOGIN_TAKEN',
  SnilsTaken = 'SNILS_TAKEN',
  RoleNotAllowed = 'ROLE_NOT_ALLOWED',
  InvalidUserSetup = 'INVALID_USER_SETUP',
  ChildNotFound = 'CHILD_NOT_FOUND',
  /** Defined here only: the timetable, grades and homework refuse a student with `UsersErrors.studentNotFound`. */
  StudentNotFound = 'STUDENT_NOT_FOUND',
}

export const UsersErrors = {
  /** No such user in the caller's scope (an admin sees only the users of their school or region; anyone else reads as missing too). */
  notFound: () => new AppError(UsersErrorCode.UserNotFound, 'Пользователь не найден', 404),
  /** Another user already has this login (logins are unique case-insensitively across the platform): pick another. */
  loginTaken: () => new AppError(UsersErrorCode.LoginTaken, 'Этот логин уже занят', 409),
  /** Another user already has this SNILS (a SNILS belongs to one person): check whether the person is already in the diary. */
  snilsTaken: () => new AppError(UsersErrorCode.SnilsTaken, 'Пользователь с таким СНИЛС уже есть', 409),
  /** The caller may not give these roles (a school admin cannot make region or platform admins); `details.roles` lists them. */
  roleNotAllowed: (roles: string[]) =>
    new AppError(UsersErrorCode.RoleNotAllowed, 'Недостаточно прав, чтобы назначить эти роли', 403, { roles }),
  /** The combination of fields does not describe a valid user (children on a non-parent, staff without a school, blocking yourself…); `details` names the field and the message says why. */
  invalidSetup: (field: string, message: string) =>
    new AppError(UsersErrorCode.InvalidUserSetup, message, 400, [{ field, code: 'invalidUserSetup', message }]),
  /** A child to link is not a student of a school the caller administers; `details.childId` names it. */
  childNotFound: (childId: string) => new AppError(UsersErrorCode.ChildNotFound, 'Ученик не найден', 404, { childId }),
  /**
   * Without `studentIds`: the student does not exist, is not a student, or the caller may not see them (the two read
   * the same): a student sees themself, a parent their children, a teacher the classes they teach or lead, an admin their scope.
   * With `studentIds` (grades, attendance, period marks): those students are not current students of the lesson's or
   * request's class; nothing was written. In a homework thread: the student is not in the homework's class or not visible.
   */
  studentNotFound: (studentIds?: string[]) =>
    new AppError(
      UsersErrorCode.StudentNotFound,
      studentIds ? 'Ученик не найден в этом классе' : 'Ученик не найден',
      404,
      studentIds ? { studentIds } : undefined,
    ),
};
