import { AppError } from '../../common/errors/app-error';

/** Refusals that follow from a region's sign-in policy (used by auth and linking). */
export enum SignInPolicyErrorCode {
  EsiaDisabled = 'ESIA_DISABLED',
  PasswordLoginClosed = 'PASSWORD_LOGIN_CLOSED',
}

/** Russian texts after the Dnevnik.ru help page (seeds/000-…): what happened and what to do. */
export const SIGN_IN_POLICY_MESSAGES: Record<SignInPolicyErrorCode, string> = {
  [SignInPolicyErrorCode.EsiaDisabled]: 'Вход через портал госуслуг в вашем регионе не включён. Войдите с логином и паролем Дневника.',
  [SignInPolicyErrorCode.PasswordLoginClosed]:
    'Переходный период закончился: вход по логину и паролю Дневника больше недоступен. Нажмите «Войти через Госуслуги».',
};

export const SettingsErrors = {
  /**
   * Госуслуги sign-in is not open for the user's region now (switched off, or its transition period has not started):
   * sign in with the diary login and password. In the browser flow it arrives as `?error=ESIA_DISABLED`.
   */
  esiaDisabled: () => new AppError(SignInPolicyErrorCode.EsiaDisabled, SIGN_IN_POLICY_MESSAGES.ESIA_DISABLED, 403),
  /**
   * The region's transition period has ended: password sign-in is closed for this user (staff may keep it if the region
   * allows), so the client should offer «Войти через Госуслуги» (GET /auth/esia/login).
   */
  passwordLoginClosed: () => new AppError(SignInPolicyErrorCode.PasswordLoginClosed, SIGN_IN_POLICY_MESSAGES.PASSWORD_LOGIN_CLOSED, 403),
};
