import type { JobOptions } from 'bull';

/**
 * Every queue and job name the system uses, with its default options. A job name listed here
 * must have a handler in the worker, or the worker refuses to start. Job ids are built in
 * job-ids.ts (`JobKeys`) and carry the database incarnation (`<incarnation>:<key>`).
 */
export const QUEUES = {
  maintenance: 'maintenance',
  /** Timetable background work (lesson reminders). */
  schedule: 'schedule',
  /** Outbox events turned into in-app notifications (fan-out) and the daily digest. */
  notifications: 'notifications',
  /** One job per (notification, device): Web Push / mobile push delivery with retries. */
  push: 'push',
  /** Delivery of diary events to the state portal (PORTAL_SYNC_URL). */
  portalSync: 'portal-sync',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobSpec {
  queue: QueueName;
  options: JobOptions;
}

export const JOBS = {
  /**
   * The nightly purge (maintenance module): sessions ended more than 30 days ago, login history older than a
   * year, idempotency keys older than 14 days. The name says "sessions" for history; it is kept so job ids stay stable.
   */
  purgeExpiredSessions: {
    name: 'purge-expired-sessions',
    queue: QUEUES.maintenance,
    options: { attempts: 3, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: 100, removeOnFail: 500 },
  },
  /**
   * Records the "lesson in 10 minutes" event for one lesson. Key `JobKeys.lessonReminder`;
   * completed jobs are kept a day so a second scheduler enqueuing the same id is a no-op.
   */
  lessonReminder: {
    name: 'lesson-reminder',
    queue: QUEUES.schedule,
    options: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: { age: 86_400 },
      removeOnFail: { age: 7 * 86_400 },
    },
  },
  /**
   * Fan-out of a batch of up to 100 outbox events into notification rows (+ push jobs, + real-time
   * publish), in one transaction of a fixed number of statements. Key `JobKeys.events` (set by the
   * outbox relay: event ids with their occurred_at); kept a day so a re-publish collapses.
   */
  notifyEvent: {
    name: 'notify-event',
    queue: QUEUES.notifications,
    options: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 86_400 },
      removeOnFail: { age: 7 * 86_400 },
    },
  },
  /** Daily digest selection (cron); key `JobKeys.dailyDigest`. */
  dailyDigest: {
    name: 'daily-digest',
    queue: QUEUES.notifications,
    options: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 30_000 },
      removeOnComplete: { age: 2 * 86_400 },
      removeOnFail: { age: 7 * 86_400 },
    },
  },
  /** One user's digest notification; key `JobKeys.userDigest`. */
  userDigest: {
    name: 'user-digest',
    queue: QUEUES.notifications,
    options: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 10_000 },
      removeOnComplete: { age: 2 * 86_400 },
      removeOnFail: { age: 7 * 86_400 },
    },
  },
  /**
   * One push to one device; key `JobKeys.push` (the delivery row's id and creation time). attempts/backoff are overridden from
   * config (PUSH_ATTEMPTS, PUSH_BACKOFF_MS) at enqueue time.
   */
  pushDeliver: {
    name: 'push-deliver',
    queue: QUEUES.push,
    options: {
      attempts: 6,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: { age: 86_400 },
      removeOnFail: { age: 7 * 86_400 },
    },
  },
  /**
   * One outbox event to the state portal; key `JobKeys.event` (relay) or `JobKeys.portalRetry`
   * (admin retry). Backoff `portal-sync`: first retry after
   * PORTAL_SYNC_FIRST_RETRY_MS, then exponential with jitter (strategy registered by the processor).
   */
  portalDeliver: {
    name: 'portal-deliver',
    queue: QUEUES.portalSync,
    options: { attempts: 12, backoff: { type: 'portal-sync' }, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 7 * 86_400 } },
  },
} as const satisfies Record<string, JobSpec & { name: string }>;

export type JobName = (typeof JOBS)[keyof typeof JOBS]['name'];

export const jobsOfQueue = (queue: QueueName): string[] =>
  Object.values(JOBS)
    .filter((j) => j.queue === queue)
    .map((j) => j.name);
