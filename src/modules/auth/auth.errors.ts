import { AppError } from '../../common/errors/app-error';

export enum AuthErrorCode {
  InvalidCredentials = 'INVALID_CREDENTIALS',
  AccountLocked = 'ACCOUNT_LOCKED',
  AccountDisabled = 'ACCOUNT_DISABLED',
  InvalidRefreshToken = 'INVALID_REFRESH_TOKEN',
  RefreshTokenReused = 'REFRESH_TOKEN_REUSED',
  SessionRevoked = 'SESSION_REVOKED',
  TooManyLoginAttempts = 'TOO_MANY_LOGIN_ATTEMPTS',
}

export const AuthErrors = {
  invalidCredentials: () => new AppError(AuthErrorCode.InvalidCredentials, 'Неверный логин или пароль', 401),
  /** Deliberately the same whether or not the password was right. */
  accountLocked: (lockedUntil: Date) =>
    new AppError(
      AuthErrorCode.AccountLocked,
      'Учётная запись временно заблокирована из-за нескольких неудачных попыток входа. Попробуйте позже или обратитесь к администратору школы',
      423,
      { lockedUntil: lockedUntil.toISOString() },
    ),
  accountDisabled: () => new AppError(AuthErrorCode.AccountDisabled, 'Учётная запись отключена. Обратитесь к администратору школы', 403),
  invalidRefreshToken: () => new AppError(AuthErrorCode.InvalidRefreshToken, 'Сеанс завершён, войдите снова', 401),
  refreshTokenReused: () =>
    new AppError(AuthErrorCode.RefreshTokenReused, 'Сеанс завершён из соображений безопасности, войдите снова', 401),
  sessionRevoked: () => new AppError(AuthErrorCode.SessionRevoked, 'Сеанс завершён, войдите снова', 401),
  tooManyAttempts: (retryAfterSec: number) =>
    new AppError(AuthErrorCode.TooManyLoginAttempts, 'Слишком много попыток входа с этого адреса. Подождите минуту и попробуйте снова', 429, { retryAfterSec }, retryAfterSec),
};
