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
  /** Wrong login or password (or no such login: the two read the same). Counts towards the account lockout; a user linked to Госуслуги may sign in there instead. */
  invalidCredentials: () => new AppError(AuthErrorCode.InvalidCredentials, 'Неверный логин или пароль', 401),
  /** Deliberately the same whether or not the password was right. */
  accountLocked: (lockedUntil: Date) =>
    new AppError(
      AuthErrorCode.AccountLocked,
      'Учётная запись временно заблокирована из-за нескольких неудачных попыток входа. Попробуйте позже или обратитесь к администратору школы',
      423,
      { lockedUntil: lockedUntil.toISOString() },
    ),
  /** The account is blocked by an admin (or its refresh was tried after the block): only the school admin can unblock it. */
  accountDisabled: () => new AppError(AuthErrorCode.AccountDisabled, 'Учётная запись отключена. Обратитесь к администратору школы', 403),
  /** The refresh token is unknown, malformed, expired, or its session has ended (sign-out, block, password change): sign in again. */
  invalidRefreshToken: () => new AppError(AuthErrorCode.InvalidRefreshToken, 'Сеанс завершён, войдите снова', 401),
  /** A refresh token that was already swapped was used again — a sign of a stolen token, so the whole session is ended: sign in again. */
  refreshTokenReused: () =>
    new AppError(AuthErrorCode.RefreshTokenReused, 'Сеанс завершён из соображений безопасности, войдите снова', 401),
  /** The access token's session was ended (sign-out, sign-out everywhere, block, password change or reset, second-factor reset, Госуслуги unlink): sign in again; refreshing will not help. */
  sessionRevoked: () => new AppError(AuthErrorCode.SessionRevoked, 'Сеанс завершён, войдите снова', 401),
  /** Too many sign-in attempts from this address in the current minute (password, second factor, Госуслуги linking): wait `Retry-After` seconds. */
  tooManyAttempts: (retryAfterSec: number) =>
    new AppError(
      AuthErrorCode.TooManyLoginAttempts,
      'Слишком много попыток входа с этого адреса. Подождите минуту и попробуйте снова',
      429,
      { retryAfterSec },
      retryAfterSec,
    ),
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
