import type { JobOptions } from 'bull';

/**
 * Every queue and job name the system uses, with its default options. A job name listed here
 * must have a handler in the worker, or the worker refuses to start.
 */
export const QUEUES = {
  maintenance: 'maintenance',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobSpec {
  queue: QueueName;
  options: JobOptions;
}

export const JOBS = {
  /** Deletes expired sessions and login history older than the retention period. */
  purgeExpiredSessions: {
    name: 'purge-expired-sessions',
    queue: QUEUES.maintenance,
    options: { attempts: 3, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: 100, removeOnFail: 500 },
  },
} as const satisfies Record<string, JobSpec & { name: string }>;

export type JobName = (typeof JOBS)[keyof typeof JOBS]['name'];

export const jobsOfQueue = (queue: QueueName): string[] =>
  Object.values(JOBS).filter((j) => j.queue === queue).map((j) => j.name);
