/** What a notification is about; preferences are set per kind. */
export const NOTIFICATION_KINDS = ['grade', 'attendance', 'homework', 'schedule', 'reminder', 'message', 'announcement'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * Security alerts (lockout, sign-in from a new device, second factor reset): always in-app and pushed,
 * whatever the preferences and the daily digest say, so they are not a preference kind.
 */
export const SECURITY_KIND = 'security';

/** Kinds of rows in the notifications table: the above plus the daily digest and security alerts. */
export const STORED_KINDS = [...NOTIFICATION_KINDS, 'digest', SECURITY_KIND] as const;
export type StoredKind = (typeof STORED_KINDS)[number];

/** in_app: a row in the list only; push: the row and a push to the user's devices; off: nothing. */
export const CHANNELS = ['in_app', 'push', 'off'] as const;
export type Channel = (typeof CHANNELS)[number];
export const DEFAULT_CHANNEL: Channel = 'push';

export const DEVICE_KINDS = ['web_push', 'mobile'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const PUSH_DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'skipped'] as const;
export type PushDeliveryStatus = (typeof PUSH_DELIVERY_STATUSES)[number];
