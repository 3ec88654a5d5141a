import { AppError } from '../../common/errors/app-error';

export enum PortalSyncErrorCode {
  DeliveryNotFound = 'PORTAL_DELIVERY_NOT_FOUND',
  NotFailed = 'PORTAL_DELIVERY_NOT_FAILED',
  SyncOff = 'PORTAL_SYNC_DISABLED',
  QueueUnavailable = 'QUEUE_UNAVAILABLE',
}

export const PortalSyncErrors = {
  deliveryNotFound: () => new AppError(PortalSyncErrorCode.DeliveryNotFound, 'Отправка на портал не найдена', 404),
  notFailed: () => new AppError(PortalSyncErrorCode.NotFailed, 'Повторить можно только отправку, завершившуюся ошибкой', 409),
  syncOff: () => new AppError(PortalSyncErrorCode.SyncOff, 'Отправка данных на портал не настроена (PORTAL_SYNC_URL)', 409),
  queueUnavailable: () => new AppError(PortalSyncErrorCode.QueueUnavailable, 'Очередь отправки временно недоступна, повторите позже', 503),
};
