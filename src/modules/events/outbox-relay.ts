import { isDeepStrictEqual } from 'node:util';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { withTimeout } from '../../common/with-timeout';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JobOptions } from 'bull';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { EventStamp, JobKeys } from '../../core/queue/job-ids';
import { AddResult, JobKey, QueueProducer } from '../../core/queue/queue-producer.service';
import { QueueIdentity } from '../../core/queue/queue-identity.service';
import { EVENT_ROUTES } from './event-routes';
import { OutboxService } from './outbox.service';

/**
 * How far the relay's clock may be behind the database's before a job that Bull already held under an
 * event's id is taken for a job older than the event (a false alarm only queues the work once more).
 */
const CLOCK_SKEW_MS = 5_000;

/**
 * Whether an add under an event key hit a job that is not this add's (see `OutboxRelay.publishBatch`):
 * another name or data, or created before the newest of its events occurred. A job made by an earlier,
 * interrupted round of the same rows (crash after the add, before the commit) is the same job: false.
 */
export function isForeignJob<T>(r: AddResult<T>, newestEventMs: number): boolean {
  if (r.fresh || !r.existing) return false;
  const { name, data, timestamp } = r.existing;
  return name !== r.meant.name || !isDeepStrictEqual(data, r.meant.data) || timestamp < newestEventMs - CLOCK_SKEW_MS;
}

/** pg advisory lock key of the relay ("outbox" in ASCII): one relay publishes at a time, in id order. */
export const RELAY_LOCK_KEY = 0x6f7574626f78;
/** A queue add that takes longer (Redis down) aborts the round; the rows stay unpublished. */
const ENQUEUE_TIMEOUT_MS = 5_000;

/**
 * The outbox relay (worker role): moves unpublished `domain_events` rows into Bull, oldest first,
 * and stamps them published in the same transaction.
 *
 * - Exactly once into the queue: the round holds a transaction-scoped advisory lock (a second worker's
 *   round does nothing) and locks its rows FOR UPDATE SKIP LOCKED; jobs carry a key made from their
 *   events (`JobKeys.event` / `JobKeys.events`: id and occurred_at of each) under the database's
 *   incarnation, so a row published twice (crash after the add, before the commit) collapses onto the
 *   existing job, or, if the next round cut the batch differently, reaches a consumer that is
 *   idempotent per event.
 * - Never swallowed by a stranger's job: Bull keeps completed jobs a day and silently ignores an add
 *   under an id it holds. Each add is read back; if Bull kept a job that is not this one (other data,
 *   or older than the events — a restored or second database whose ids met ours), the relay logs it
 *   and queues the work under a distinct id before it stamps the rows.
 * - Nothing lost: if Redis is down the add fails or times out, the transaction rolls back, the rows
 *   stay unpublished and the next round (backing off up to 10 s) publishes them when Redis is back.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private failures = 0;
  /** Jobs queued again under a distinct id because Bull held a foreign job under theirs (since start). */
  collisions = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: OutboxService,
    private readonly producer: QueueProducer,
    private readonly identity: QueueIdentity,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => (this.running = null));
    }, ms);
  }

  private async round(): Promise<void> {
    const { outboxPollMs, outboxBatchSize } = this.config.notify;
    let next = outboxPollMs;
    try {
      const n = await this.publishBatch();
      if (this.failures > 0) this.logger.log('Outbox relay is publishing again');
      this.failures = 0;
      if (n >= outboxBatchSize) next = 0;
    } catch (e) {
      this.failures++;
      next = Math.min(outboxPollMs * 2 ** this.failures, 10_000);
      if (this.failures === 1 || this.failures % 20 === 0) {
        this.logger.warn(
          { err: (e as Error).message, failures: this.failures },
          'Outbox relay round failed; events stay unpublished and are retried',
        );
      }
    }
    this.schedule(next);
  }

  /** One round: publishes up to a batch of events; returns how many. Tests may call it directly. */
  async publishBatch(): Promise<number> {
    if (!(await this.outbox.hasUnpublished())) return 0;
    // a database restored or cloned under this process gets its new incarnation before anything is queued
    // (in its own statement: a round that rolls back must not take a renewal with it)
    await this.identity.refresh();
    return this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK_KEY]);
      if (!locked) return 0;
      const rows = await this.outbox.lockUnpublished(tx, this.config.notify.outboxBatchSize);
      if (rows.length === 0) return 0;
      const adds: Array<Promise<void>> = [];
      for (const route of EVENT_ROUTES) {
        if (route.portal && !this.config.notify.portalSyncUrl) continue;
        const events = rows
          .filter((r) => !route.types || route.types.includes(r.type))
          .map((r) => ({ id: String(r.id), at: String(r.at), occurredAt: r.occurredAt }));
        if (route.batch) {
          for (let i = 0; i < events.length; i += route.batch) {
            const batch = events.slice(i, i + route.batch);
            adds.push(this.publish(route.job, { eventIds: batch.map((e) => e.id) }, JobKeys.events(batch), batch));
          }
        } else {
          for (const e of events) adds.push(this.publish(route.job, { eventId: e.id }, JobKeys.event(e), [e]));
        }
      }
      await withTimeout(Promise.all(adds), ENQUEUE_TIMEOUT_MS, 'queue');
      await this.outbox.markPublished(
        tx,
        rows.map((r) => String(r.id)),
      );
      return rows.length;
    });
  }

  /** One add; when Bull kept a job that is not this one under its id, the work is queued under a distinct id. */
  private async publish<T extends object>(
    job: JobKey,
    data: T,
    key: string,
    events: Array<EventStamp & { occurredAt: Date }>,
  ): Promise<void> {
    const options = this.optionsFor(job);
    const r = await this.producer.add(job, data, { key, ...options });
    const newest = Math.max(...events.map((e) => new Date(e.occurredAt).getTime()));
    if (!isForeignJob(r, newest)) return;
    this.collisions++;
    const again = await this.producer.add(job, data, { key: JobKeys.distinct(key), ...options });
    this.logger.error(
      { jobId: r.jobId, requeuedAs: again.jobId, existingCreatedAt: new Date(r.existing!.timestamp).toISOString(), events: events.length },
      'Queue already held a different job under this id (restored or second database on the same Redis prefix?); queued the events under a distinct id',
    );
    if (!again.fresh) throw new Error(`Could not queue ${key} under a distinct id`);
  }

  private optionsFor(job: JobKey): JobOptions {
    return job === 'portalDeliver' ? { attempts: this.config.notify.portalAttempts } : {};
  }
}
