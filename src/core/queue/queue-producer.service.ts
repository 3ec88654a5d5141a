import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bull';
import type { Job, JobOptions, Queue } from 'bull';
import { isDeepStrictEqual } from 'node:util';
import { jobIdOf } from './job-ids';
import { JOBS, QueueName } from './queue.constants';
import { QueueIdentity } from './queue-identity.service';

/** A job of the constants file, by its key there (`notifyEvent`, `pushDeliver`, …). */
export type JobKey = keyof typeof JOBS;

/** Options of one add: the job's key (see `JobKeys`) instead of a raw jobId, plus Bull's own options. */
export type EnqueueOptions = Omit<JobOptions, 'jobId' | 'timestamp'> & { key?: string };

/**
 * What one add did. Bull answers an add under an id it already holds with the job object it was given,
 * not with the stored one, so `add` reads the stored job back: `fresh` is false when Bull kept an earlier
 * job under that id, and `existing` is that job (null if it was removed meanwhile).
 */
export interface AddResult<T> {
  jobId: string;
  fresh: boolean;
  existing: Pick<Job<T>, 'name' | 'data' | 'timestamp'> | null;
  /** The data and name this add meant (for comparing with `existing`). */
  meant: { name: string; data: T; timestamp: number };
}

/** The one way to put work on a queue: job data holds ids only, options come from the constants, ids from `JobKeys`. */
@Injectable()
export class QueueProducer {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly identity: QueueIdentity,
  ) {}

  /** Adds a job; with `key`, under the job id `<incarnation>:<key>` (a second add of the same key collapses). */
  async enqueue<T extends object>(job: JobKey, data: T, options: EnqueueOptions = {}): Promise<Job<T>> {
    const { key, ...rest } = options;
    const spec = JOBS[job];
    const jobId = key === undefined ? undefined : await this.jobId(key);
    return this.queue(spec.queue).add(spec.name, data, { ...spec.options, ...rest, ...(jobId ? { jobId } : {}) });
  }

  /** Like `enqueue` under a key, and says whether Bull stored this add or kept an earlier job under the same id. */
  async add<T extends object>(job: JobKey, data: T, options: EnqueueOptions & { key: string }): Promise<AddResult<T>> {
    const { key, ...rest } = options;
    const spec = JOBS[job];
    const queue = this.queue(spec.queue);
    const jobId = await this.jobId(key);
    const timestamp = Date.now();
    // `timestamp` is a Bull job option its typings omit: set here so the stored job can be told from an earlier one
    const opts: JobOptions & { timestamp: number } = { ...spec.options, ...rest, jobId, timestamp };
    await queue.add(spec.name, data, opts);
    const stored = (await queue.getJob(jobId)) as Job<T> | null;
    const fresh = stored === null || (stored.timestamp === timestamp && stored.name === spec.name && isDeepStrictEqual(stored.data, data));
    return { jobId, fresh, existing: fresh ? null : stored, meant: { name: spec.name, data, timestamp } };
  }

  /**
   * Puts keyed work back on the queue when a sweep finds it unfinished: adds the job when Bull no longer
   * holds one under its id (removed, or Redis lost it), retries it when Bull holds it failed (its attempts
   * used up; it runs once more, as its last attempt), and leaves a waiting, delayed or running one alone.
   */
  async requeue<T extends object>(
    job: JobKey,
    data: T,
    options: EnqueueOptions & { key: string },
  ): Promise<'added' | 'retried' | 'queued'> {
    const stored = (await this.queue(JOBS[job].queue).getJob(await this.jobId(options.key))) as Job<T> | null;
    if (!stored) {
      await this.enqueue(job, data, options);
      return 'added';
    }
    if (!(await stored.isFailed())) return 'queued';
    try {
      await stored.retry();
      return 'retried';
    } catch {
      return 'queued'; // another sweep retried it first, or it is running again
    }
  }

  /** The full job id of a key in this database's incarnation (tests and diagnostics look jobs up with it). */
  async jobId(key: string): Promise<string> {
    return jobIdOf(await this.identity.current(), key);
  }

  queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
