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
  /** The notification does not exist or is not the caller's. */
  notificationNotFound: () => new AppError(NotificationsErrorCode.NotificationNotFound, 'Уведомление не найдено', 404),
  /** The device does not exist or is not the caller's. */
  deviceNotFound: () => new AppError(NotificationsErrorCode.DeviceNotFound, 'Устройство не найдено', 404),
  /** The caller already has MAX_DEVICES_PER_USER devices. */
  deviceLimit: () =>
    new AppError(NotificationsErrorCode.DeviceLimit, `Можно подключить не более ${MAX_DEVICES_PER_USER} устройств; удалите лишние`, 409),
  /** The subscription endpoint is not an https (outside production also http) URL without credentials. */
  invalidEndpoint: () =>
    new AppError(NotificationsErrorCode.InvalidPushEndpoint, 'Адрес подписки Web Push некорректен', 400, [
      { field: 'endpoint', code: 'invalid', message: 'Нужен адрес https:// сервиса push-уведомлений браузера' },
    ]),
  /** The server has no VAPID keys. */
  webPushOff: () => new AppError(NotificationsErrorCode.WebPushOff, 'Web Push-уведомления на сервере не настроены', 409),
  /** Another user holds the device and no confirmation push could be delivered to it (push off or refused). */
  deviceTaken: () =>
    new AppError(
      NotificationsErrorCode.DeviceTaken,
      'Это устройство подключено к другой учётной записи, и подтвердить перенос сейчас нельзя',
      409,
    ),
  /** The confirmation code is unknown, expired, used, or was asked for by another user. */
  confirmationNotFound: () =>
    new AppError(
      NotificationsErrorCode.ConfirmationNotFound,
      'Код подтверждения устройства неверен или устарел; подключите устройство заново',
      404,
    ),
  /** A confirmation push went to this device less than a minute ago. */
  confirmationThrottled: (retryAfterSec: number) =>
    new AppError(
      NotificationsErrorCode.ConfirmationThrottled,
      'Код подтверждения на это устройство уже отправлен; подождите немного',
      429,
      undefined,
      retryAfterSec,
    ),
  /** The push service or Redis could not be reached to send or check a confirmation. */
  confirmationUnavailable: () =>
    new AppError(
      NotificationsErrorCode.ConfirmationUnavailable,
      'Не удалось отправить код подтверждения на устройство; попробуйте позже',
      503,
      undefined,
      30,
    ),
};
