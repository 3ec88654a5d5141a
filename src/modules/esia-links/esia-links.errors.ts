import { AppError } from '../../common/errors/app-error';

export enum EsiaLinksErrorCode {
  AlreadyLinked = 'ESIA_ALREADY_LINKED',
  LinkNotFound = 'ESIA_LINK_NOT_FOUND',
}

/** The refusal of a link the Госуслуги sign-in shows (worded after the Dnevnik.ru help page, seeds/000-…). */
export const ESIA_ALREADY_LINKED_MESSAGE =
  'Учётная запись портала госуслуг уже связана с другим профилем Дневника. Обратитесь к администратору своей образовательной организации.';

export const EsiaLinksErrors = {
  /**
   * The Госуслуги account is already linked to another diary profile, or this profile to another Госуслуги account:
   * only an admin can end the old link (DELETE /admin/esia-links/{id}).
   */
  alreadyLinked: () => new AppError(EsiaLinksErrorCode.AlreadyLinked, ESIA_ALREADY_LINKED_MESSAGE, 409),
  /** The signed-in user's own diary account is already linked to Госуслуги, so there is nothing to start: unlink first (DELETE /me/esia-link). */
  ownAccountAlreadyLinked: () =>
    new AppError(EsiaLinksErrorCode.AlreadyLinked, 'Ваша учётная запись Дневника уже связана с учётной записью портала госуслуг', 409),
  /**
   * No active Госуслуги link to end: the user has none, or (for an admin) the link is already revoked or belongs to a
   * user outside the admin's scope (the two read the same).
   */
  linkNotFound: () => new AppError(EsiaLinksErrorCode.LinkNotFound, 'Связь с учётной записью портала госуслуг не найдена', 404),
};
