/** What a notification is about; preferences are set per kind. */
export const NOTIFICATION_KINDS = ['grade', 'attendance', 'homework', 'schedule', 'reminder', 'message', 'announcement'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Kinds of rows in the notifications table: the above plus the daily digest. */
export const STORED_KINDS = [...NOTIFICATION_KINDS, 'digest'] as const;
export type StoredKind = (typeof STORED_KINDS)[number];

/** in_app: a row in the list only; push: the row and a push to the user's devices; off: nothing. */
export const CHANNELS = ['in_app', 'push', 'off'] as const;
export type Channel = (typeof CHANNELS)[number];
export const DEFAULT_CHANNEL: Channel = 'push';

export const DEVICE_KINDS = ['web_push', 'mobile'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const PUSH_DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'skipped'] as const;
export type PushDeliveryStatus = (typeof PUSH_DELIVERY_STATUSES)[number];
