import type { JobKey } from '../../core/queue/queue-producer.service';

/**
 * Which consumers get which outbox events. A route without `batch` gets one Bull job per event
 * (data `{ eventId }`, key `JobKeys.event`); a route with `batch` gets one job per run of up to that
 * many events of one relay round, oldest first (data `{ eventIds }`, key `JobKeys.events`; both in
 * core/queue/job-ids.ts). Either way a re-published event collapses onto the job already queued or, when the
 * relay cut the batch differently, is handled again by an idempotent consumer.
 * Notifications take every event (their fan-out ignores types it does not know); the state portal
 * only grades, homework and schedule changes, and only when PORTAL_SYNC_URL is set.
 */
export interface EventRoute {
  job: JobKey;
  /** null: every type. */
  types: readonly string[] | null;
  /** Only when the portal is configured. */
  portal?: boolean;
  /** Events per job; the consumer takes `{ eventIds }` and must be safe to run twice for any subset. */
  batch?: number;
}

/**
 * Events per notifications fan-out job. The fan-out costs a handful of queries per job whatever its
 * size (set-based SQL), so the per-event cost is the Bull job and the round trips it saves; 100 keeps
 * a job well under a second and still gives the processor's concurrency several jobs per relay round.
 */
export const NOTIFY_BATCH_SIZE = 100;

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
  { job: 'notifyEvent', types: null, batch: NOTIFY_BATCH_SIZE },
  { job: 'portalDeliver', types: PORTAL_EVENT_TYPES, portal: true },
];
