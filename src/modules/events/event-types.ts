/**
 * Domain events written to the outbox. Payloads hold ids and small facts (old → new values),
 * never names or other personal data: the consumer (notifications, portal sync) re-reads what it needs.
 */
export const EVENT_TYPES = [
  'grade.created',
  'grade.changed',
  'grade.deleted',
  'attendance.marked',
  'homework.created',
  'homework.graded',
  'homework.returned',
  'lesson.changed',
  'lesson.reminder',
  // messaging (written by the messaging module through this same outbox)
  'message.created',
  'announcement.created',
  'announcement.reminder',
  // security alerts (written by the auth module: docs/security.md "Two-factor sign-in and alerts")
  'security.account_locked',
  'security.new_device',
  'security.mfa_reset',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const AGGREGATE_TYPES = [
  'grade',
  'attendance',
  'homework',
  'homework_submission',
  'lesson',
  'conversation',
  'announcement',
  'user',
] as const;
export type AggregateType = (typeof AGGREGATE_TYPES)[number];

export interface NewEvent {
  type: EventType;
  aggregateType: AggregateType;
  aggregateId: string;
  /** School the event belongs to (admins of that school see stuck deliveries). */
  schoolId: string | null;
  /** Who caused it; null for scheduled work. */
  actorId: string | null;
  /** Ids and small facts only. */
  payload: Record<string, unknown>;
  /** Unique per logical event: a repeated record() with the same key writes nothing. */
  idempotencyKey: string;
}
