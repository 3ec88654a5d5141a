import { AppError } from '../../common/errors/app-error';
import { ESIA_UNAVAILABLE_MESSAGE, EsiaErrorCode } from '../esia/esia.errors';
import { ESIA_ALREADY_LINKED_MESSAGE, EsiaLinksErrorCode } from '../esia-links/esia-links.errors';
import { SIGN_IN_POLICY_MESSAGES, SignInPolicyErrorCode } from '../settings/settings.errors';

export enum LinkingErrorCode {
  ConsentDenied = 'ESIA_CONSENT_DENIED',
  FioMismatch = 'FIO_MISMATCH',
  LevelTooLow = 'ESIA_ACCOUNT_LEVEL_TOO_LOW',
  ScopeMissing = 'ESIA_SCOPE_MISSING',
  StateInvalid = 'ESIA_STATE_INVALID',
}

/**
 * Every refusal of the Госуслуги sign-in and linking, code → Russian text, worded after the Dnevnik.ru
 * help page (seeds/000-…). The reference web client shows exactly these texts on its error page.
 */
export const ESIA_REFUSAL_MESSAGES = {
  [LinkingErrorCode.ConsentDenied]:
    'Вы отказались предоставить данные учётной записи портала госуслуг (нажали «Отказать»). Без этого авторизация в Дневнике через портал госуслуг невозможна. Чтобы войти, начните заново и нажмите «Предоставить».',
  [LinkingErrorCode.FioMismatch]:
    'ФИО пользователя в Дневнике не совпадают с данными из учётной записи портала госуслуг. Обратитесь к администратору или классному руководителю своей образовательной организации для проверки и корректировки ФИО в профиле. Эта ошибка возникает и тогда, когда родитель использует свою учётную запись на госуслугах для входа в профиль ребёнка (или наоборот): у ребёнка должна быть своя учётная запись на портале госуслуг.',
  [LinkingErrorCode.LevelTooLow]:
    'Учётная запись портала госуслуг не соответствует минимальным требованиям для входа в Дневник: пользователям старше 14 лет нужна «Стандартная» или «Подтверждённая» учётная запись (младше 14 лет достаточно «Упрощённой»). Зайдите на портал госуслуг, дополните и подтвердите данные учётной записи и повторите вход.',
  [LinkingErrorCode.ScopeMissing]:
    'Портал госуслуг не передал Дневнику сведения о документе, удостоверяющем личность, поэтому проверить уровень учётной записи (старше 14 лет нужна «Стандартная» или «Подтверждённая») не удалось. Обратитесь к администратору своей образовательной организации: системе нужно разрешение на чтение документа (id_doc).',
  [EsiaLinksErrorCode.AlreadyLinked]: ESIA_ALREADY_LINKED_MESSAGE,
  [SignInPolicyErrorCode.EsiaDisabled]: SIGN_IN_POLICY_MESSAGES.ESIA_DISABLED,
  [SignInPolicyErrorCode.PasswordLoginClosed]: SIGN_IN_POLICY_MESSAGES.PASSWORD_LOGIN_CLOSED,
  [LinkingErrorCode.StateInvalid]:
    'Вход через портал госуслуг не завершён: ссылка устарела, уже использована или открыта в другом браузере. Начните вход заново.',
  [EsiaErrorCode.Unavailable]: ESIA_UNAVAILABLE_MESSAGE,
} as const;

export type EsiaRefusalCode = keyof typeof ESIA_REFUSAL_MESSAGES;
export const ESIA_REFUSAL_CODES = Object.keys(ESIA_REFUSAL_MESSAGES) as EsiaRefusalCode[];

/**
 * In the browser flow (GET /auth/esia/login and /callback) these arrive as `FRONTEND_URL?error=CODE`, shown with
 * ESIA_REFUSAL_MESSAGES; on the JSON routes as error answers.
 */
export const LinkingErrors = {
  /** The user pressed «Отказать» on the Госуслуги consent page, so the diary got no data: start again and press «Предоставить». */
  consentDenied: () => new AppError(LinkingErrorCode.ConsentDenied, ESIA_REFUSAL_MESSAGES.ESIA_CONSENT_DENIED, 403),
  /**
   * The last, first or middle name on Госуслуги differs from the diary profile (also when a parent uses their own
   * Госуслуги account for a child's profile, or the other way round): the school admin must correct the profile's name.
   */
  fioMismatch: () => new AppError(LinkingErrorCode.FioMismatch, ESIA_REFUSAL_MESSAGES.FIO_MISMATCH, 403),
  /**
   * The Госуслуги account's level is too low for the user's age (`details.requiredLevel`: `standard` from 14, else
   * `simplified`): the user completes and confirms the account on Госуслуги, then signs in again.
   */
  levelTooLow: (requiredLevel: 'simplified' | 'standard') =>
    new AppError(LinkingErrorCode.LevelTooLow, ESIA_REFUSAL_MESSAGES.ESIA_ACCOUNT_LEVEL_TOO_LOW, 403, { requiredLevel }),
  /**
   * The level gate needs "standard" but ESIA withheld the documents that tell it from "simplified" (docs/esia.md
   * "Account level"): `id_doc` is missing from ESIA_SCOPES or was not granted to the installation. The user cannot fix
   * it; the operators of the installation must.
   */
  scopeMissing: (requiredLevel: 'simplified' | 'standard') =>
    new AppError(LinkingErrorCode.ScopeMissing, ESIA_REFUSAL_MESSAGES.ESIA_SCOPE_MISSING, 403, { requiredLevel, missingScope: 'id_doc' }),
  /**
   * The Госуслуги round trip cannot be matched: its state, intent or ticket is unknown, used, expired or from another
   * browser, the session that asked to link has ended, or the user is gone. Start again (GET /auth/esia/login).
   */
  stateInvalid: () => new AppError(LinkingErrorCode.StateInvalid, ESIA_REFUSAL_MESSAGES.ESIA_STATE_INVALID, 400),
};
