import { AppError } from '../../common/errors/app-error';

export enum PortalSyncErrorCode {
  DeliveryNotFound = 'PORTAL_DELIVERY_NOT_FOUND',
  NotFailed = 'PORTAL_DELIVERY_NOT_FAILED',
  SyncOff = 'PORTAL_SYNC_DISABLED',
  QueueUnavailable = 'QUEUE_UNAVAILABLE',
}

export const PortalSyncErrors = {
  /** The delivery does not exist or belongs to a school outside the caller's admin scope (the two read the same). */
  deliveryNotFound: () => new AppError(PortalSyncErrorCode.DeliveryNotFound, 'Отправка на портал не найдена', 404),
  /** Only a failed (parked) delivery can be retried; this one is still pending or already delivered. */
  notFailed: () => new AppError(PortalSyncErrorCode.NotFailed, 'Повторить можно только отправку, завершившуюся ошибкой', 409),
  /** This installation sends nothing to the state portal (PORTAL_SYNC_URL is not set), so a retry has nowhere to go. */
  syncOff: () => new AppError(PortalSyncErrorCode.SyncOff, 'Отправка данных на портал не настроена (PORTAL_SYNC_URL)', 409),
  /** The queue (Redis) did not take the retry in time: the delivery stays failed; try again after `Retry-After`. */
  queueUnavailable: () => new AppError(PortalSyncErrorCode.QueueUnavailable, 'Очередь отправки временно недоступна, повторите позже', 503),
};
