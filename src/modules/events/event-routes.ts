import type { JobKey } from './outbox-relay';

/**
 * Which consumers get which outbox events. Each route is one Bull job per event with jobId
 * `event-<id>`, so a re-published event collapses onto the job already queued.
 * Notifications take every event (their fan-out ignores types it does not know); the state portal
 * only grades, homework and schedule changes, and only when PORTAL_SYNC_URL is set.
 */
export interface EventRoute {
  job: JobKey;
  /** null: every type. */
  types: readonly string[] | null;
  /** Only when the portal is configured. */
  portal?: boolean;
}

export const PORTAL_EVENT_TYPES = [
  'grade.created',
  'grade.changed',
  'grade.deleted',
  'homework.created',
  'homework.graded',
  'homework.returned',
  'lesson.changed',
] as const;

export const EVENT_ROUTES: readonly EventRoute[] = [
  { job: 'notifyEvent', types: null },
  { job: 'portalDeliver', types: PORTAL_EVENT_TYPES, portal: true },
];
