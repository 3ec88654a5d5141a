import { AppError, CommonErrors } from '../../../common/errors/app-error';

export enum MfaErrorCode {
  MfaRequired = 'MFA_REQUIRED',
  MfaEnrolmentRequired = 'MFA_ENROLMENT_REQUIRED',
  ChallengeInvalid = 'MFA_CHALLENGE_INVALID',
  CodeInvalid = 'MFA_CODE_INVALID',
  CodeReused = 'MFA_CODE_REUSED',
  NotAvailable = 'MFA_NOT_AVAILABLE',
  AlreadyEnabled = 'MFA_ALREADY_ENABLED',
  NotEnabled = 'MFA_NOT_ENABLED',
  EnrolmentNotStarted = 'MFA_ENROLMENT_NOT_STARTED',
  RequiredByPolicy = 'MFA_REQUIRED_BY_POLICY',
  ReauthFailed = 'REAUTH_FAILED',
}

/** What the client needs to finish a two-step sign-in (the body's `details`). */
export interface ChallengeDetails {
  challenge: string;
  expiresInSec: number;
}

/**
 * Errors of two-factor sign-in. The sign-in steps (public routes) answer 401 while the caller is not
 * signed in yet; the signed-in routes (/me/mfa…) answer 403 for a wrong proof, never 401, so a client
 * does not take it for an ended session.
 */
export const MfaErrors = {
  /** The password was right; the account has a second factor: POST /auth/login/mfa with the challenge. */
  required: (d: ChallengeDetails) =>
    new AppError(MfaErrorCode.MfaRequired, 'Введите код из приложения-аутентификатора или один из резервных кодов', 401, {
      ...d,
      methods: ['totp', 'recovery_code'],
    }),
  /** The password was right; the region requires a second factor the account does not have yet. */
  enrolmentRequired: (d: ChallengeDetails) =>
    new AppError(
      MfaErrorCode.MfaEnrolmentRequired,
      'Для входа администратора нужно подключить второй фактор: приложение-аутентификатор с одноразовыми кодами',
      401,
      d,
    ),
  /** The sign-in challenge is unknown, used, expired, out of attempts, or of the other purpose: sign in with the password again. */
  challengeInvalid: () =>
    new AppError(
      MfaErrorCode.ChallengeInvalid,
      'Время на ввод кода истекло или попытки закончились. Войдите снова с логином и паролем',
      401,
    ),
  /** The code (or recovery code) is wrong; `details.attemptsLeft` on this challenge. At sign-in it counts towards the lockout. */
  codeInvalid: (attemptsLeft: number) =>
    new AppError(MfaErrorCode.CodeInvalid, 'Неверный код. Проверьте время на телефоне и введите код ещё раз', 401, { attemptsLeft }),
  /** The code of this 30-second step was accepted already (no replay): wait for the next one. */
  codeReused: (attemptsLeft: number) =>
    new AppError(MfaErrorCode.CodeReused, 'Этот код уже использован. Дождитесь следующего кода в приложении', 401, { attemptsLeft }),
  /** On signed-in routes: the code does not match (enrolment confirmation). */
  confirmCodeInvalid: () => new AppError(MfaErrorCode.CodeInvalid, 'Неверный код. Проверьте время на телефоне и введите код ещё раз', 403),
  /** Only staff (teachers, admins) may enrol a second factor. */
  notAvailable: () =>
    new AppError(MfaErrorCode.NotAvailable, 'Вход с кодом из приложения доступен сотрудникам школ и администраторам', 403),
  /** A second factor is in force already; switch it off before enrolling another. */
  alreadyEnabled: () =>
    new AppError(MfaErrorCode.AlreadyEnabled, 'Второй фактор уже подключён. Чтобы заменить его, сначала отключите текущий', 409),
  /** The account has no second factor in force. */
  notEnabled: () => new AppError(MfaErrorCode.NotEnabled, 'Второй фактор не подключён', 409),
  /** Nothing to confirm: start the enrolment (secret and QR code) first. */
  enrolmentNotStarted: () => new AppError(MfaErrorCode.EnrolmentNotStarted, 'Сначала начните подключение: получите ключ и QR-код', 409),
  /** The region requires a second factor of this account (admins): it cannot be switched off, only reset by an admin. */
  requiredByPolicy: () =>
    new AppError(MfaErrorCode.RequiredByPolicy, 'В вашем регионе второй фактор обязателен для администраторов: отключить его нельзя', 403),
  /** The current code or the password given to change the factor is wrong; counts towards the lockout. */
  reauthFailed: () => new AppError(MfaErrorCode.ReauthFailed, 'Неверный код или пароль', 403),
  /** Redis does not answer: the challenge cannot be kept. */
  unavailable: () => CommonErrors.serviceUnavailable(undefined, 5),
};
