import { AppError } from '../../common/errors/app-error';

export enum AuthErrorCode {
  InvalidCredentials = 'INVALID_CREDENTIALS',
  AccountLocked = 'ACCOUNT_LOCKED',
  AccountDisabled = 'ACCOUNT_DISABLED',
  InvalidRefreshToken = 'INVALID_REFRESH_TOKEN',
  RefreshTokenReused = 'REFRESH_TOKEN_REUSED',
  SessionRevoked = 'SESSION_REVOKED',
  TooManyLoginAttempts = 'TOO_MANY_LOGIN_ATTEMPTS',
  CurrentPasswordRequired = 'CURRENT_PASSWORD_REQUIRED',
  CurrentPasswordInvalid = 'CURRENT_PASSWORD_INVALID',
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
  /** A password change without the current password, from a session not opened through Госуслуги in the last few minutes. */
  currentPasswordRequired: (esiaWindowMinutes: number) =>
    new AppError(
      AuthErrorCode.CurrentPasswordRequired,
      `Укажите текущий пароль. Без него пароль можно сменить только в течение ${esiaWindowMinutes} минут после входа через Госуслуги`,
      400,
      [{ field: 'currentPassword', code: 'currentPasswordRequired', message: 'Укажите текущий пароль' }],
    ),
  /** A password change with a wrong current password; counts towards the lockout like a failed sign-in. The way out depends on whether the account is linked to Госуслуги. */
  currentPasswordInvalid: (esiaLinked: boolean, esiaWindowMinutes: number) =>
    new AppError(
      AuthErrorCode.CurrentPasswordInvalid,
      `Текущий пароль указан неверно. ${
        esiaLinked
          ? `Если вы его забыли, войдите через Госуслуги и в течение ${esiaWindowMinutes} минут задайте новый пароль без старого.`
          : 'Если вы его забыли, обратитесь к администратору школы: он задаст новый пароль.'
      } После пяти неудачных попыток подряд вход временно блокируется`,
      403,
    ),
};
