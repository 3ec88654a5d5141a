import { AppError } from '../../common/errors/app-error';

export enum NotificationsErrorCode {
  NotificationNotFound = 'NOTIFICATION_NOT_FOUND',
  DeviceNotFound = 'DEVICE_NOT_FOUND',
  DeviceLimit = 'DEVICE_LIMIT_REACHED',
  InvalidPushEndpoint = 'INVALID_PUSH_ENDPOINT',
  WebPushOff = 'WEB_PUSH_DISABLED',
  DeviceTaken = 'PUSH_DEVICE_TAKEN',
  ConfirmationNotFound = 'DEVICE_CONFIRMATION_NOT_FOUND',
  ConfirmationThrottled = 'PUSH_CONFIRMATION_THROTTLED',
  ConfirmationUnavailable = 'PUSH_CONFIRMATION_UNAVAILABLE',
}

export const MAX_DEVICES_PER_USER = 20;

export const NotificationsErrors = {
  notificationNotFound: () => new AppError(NotificationsErrorCode.NotificationNotFound, 'Уведомление не найдено', 404),
  deviceNotFound: () => new AppError(NotificationsErrorCode.DeviceNotFound, 'Устройство не найдено', 404),
  deviceLimit: () =>
    new AppError(NotificationsErrorCode.DeviceLimit, `Можно подключить не более ${MAX_DEVICES_PER_USER} устройств; удалите лишние`, 409),
  invalidEndpoint: () =>
    new AppError(NotificationsErrorCode.InvalidPushEndpoint, 'Адрес подписки Web Push некорректен', 400, [
      { field: 'endpoint', code: 'invalid', message: 'Нужен адрес https:// сервиса push-уведомлений браузера' },
    ]),
  webPushOff: () => new AppError(NotificationsErrorCode.WebPushOff, 'Web Push-уведомления на сервере не настроены', 409),
  deviceTaken: () =>
    new AppError(NotificationsErrorCode.DeviceTaken, 'Это устройство подключено к другой учётной записи, и подтвердить перенос сейчас нельзя', 409),
  confirmationNotFound: () =>
    new AppError(NotificationsErrorCode.ConfirmationNotFound, 'Код подтверждения устройства неверен или устарел; подключите устройство заново', 404),
  confirmationThrottled: (retryAfterSec: number) =>
    new AppError(NotificationsErrorCode.ConfirmationThrottled, 'Код подтверждения на это устройство уже отправлен; подождите немного', 429, undefined, retryAfterSec),
  confirmationUnavailable: () =>
    new AppError(NotificationsErrorCode.ConfirmationUnavailable, 'Не удалось отправить код подтверждения на устройство; попробуйте позже', 503, undefined, 30),
};
