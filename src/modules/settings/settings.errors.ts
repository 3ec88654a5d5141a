import { AppError } from '../../common/errors/app-error';

/** Refusals that follow from a region's sign-in policy (used by auth and linking). */
export enum SignInPolicyErrorCode {
  EsiaDisabled = 'ESIA_DISABLED',
  PasswordLoginClosed = 'PASSWORD_LOGIN_CLOSED',
}

/** Russian texts after the Dnevnik.ru help page (seeds/000-…): what happened and what to do. */
export const SIGN_IN_POLICY_MESSAGES: Record<SignInPolicyErrorCode, string> = {
  [SignInPolicyErrorCode.EsiaDisabled]:
    'Вход через портал госуслуг в вашем регионе не включён. Войдите с логином и паролем Дневника.',
  [SignInPolicyErrorCode.PasswordLoginClosed]:
    'Переходный период закончился: вход по логину и паролю Дневника больше недоступен. Нажмите «Войти через Госуслуги».',
};

export const SettingsErrors = {
  esiaDisabled: () => new AppError(SignInPolicyErrorCode.EsiaDisabled, SIGN_IN_POLICY_MESSAGES.ESIA_DISABLED, 403),
  passwordLoginClosed: () => new AppError(SignInPolicyErrorCode.PasswordLoginClosed, SIGN_IN_POLICY_MESSAGES.PASSWORD_LOGIN_CLOSED, 403),
};
