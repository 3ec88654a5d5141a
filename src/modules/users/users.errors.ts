import { AppError } from '../../common/errors/app-error';

export enum UsersErrorCode {
  UserNotFound = 'USER_NOT_FOUND',
  LoginTaken = 'LOGIN_TAKEN',
  SnilsTaken = 'SNILS_TAKEN',
  RoleNotAllowed = 'ROLE_NOT_ALLOWED',
  InvalidUserSetup = 'INVALID_USER_SETUP',
  ChildNotFound = 'CHILD_NOT_FOUND',
}

export const UsersErrors = {
  notFound: () => new AppError(UsersErrorCode.UserNotFound, 'Пользователь не найден', 404),
  loginTaken: () => new AppError(UsersErrorCode.LoginTaken, 'Этот логин уже занят', 409),
  snilsTaken: () => new AppError(UsersErrorCode.SnilsTaken, 'Пользователь с таким СНИЛС уже есть', 409),
  roleNotAllowed: (roles: string[]) =>
    new AppError(UsersErrorCode.RoleNotAllowed, 'Недостаточно прав, чтобы назначить эти роли', 403, { roles }),
  invalidSetup: (field: string, message: string) =>
    new AppError(UsersErrorCode.InvalidUserSetup, message, 400, [{ field, code: 'invalidUserSetup', message }]),
  childNotFound: (childId: string) =>
    new AppError(UsersErrorCode.ChildNotFound, 'Ученик не найден', 404, { childId }),
};
