import { createHash } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { withTimeout } from '../../common/with-timeout';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JobOptions } from 'bull';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { QueueProducer } from '../../core/queue/queue-producer.service';
import { JOBS } from '../../core/queue/queue.constants';
import { EVENT_ROUTES } from './event-routes';
import { OutboxService } from './outbox.service';

export type JobKey = keyof typeof JOBS;

/**
 * jobId of a batch job: `event-<id>` for one event (the same id a per-event job had), otherwise
 * `events-<first>-<last>-<n>-<hash of all ids>`. The hash matters: after a crash between the add and
 * the commit, the next round may lock a different set between the same first and last ids (an event
 * that committed late), and that batch must not collapse onto the job that lacks it.
 */
export function batchJobId(eventIds: string[]): string {
  if (eventIds.length === 1) return `event-${eventIds[0]}`;
  const hash = createHash('sha256').update(eventIds.join(',')).digest('base64url').slice(0, 16);
  return `events-${eventIds[0]}-${eventIds[eventIds.length - 1]}-${eventIds.length}-${hash}`;
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
 *   round does nothing) and locks its rows FOR UPDATE SKIP LOCKED; jobs carry a jobId made from their
 *   event ids (`event-<id>`, or `batchJobId` for routes that batch), so a row published twice (crash
 *   after the add, before the commit) collapses onto the existing job, or, if the next round cut the
 *   batch differently, reaches a consumer that is idempotent per event.
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

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: OutboxService,
    private readonly producer: QueueProducer,
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
        this.logger.warn({ err: (e as Error).message, failures: this.failures }, 'Outbox relay round failed; events stay unpublished and are retried');
      }
    }
    this.schedule(next);
  }

  /** One round: publishes up to a batch of events; returns how many. Tests may call it directly. */
  async publishBatch(): Promise<number> {
    if (!(await this.outbox.hasUnpublished())) return 0;
    return this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK_KEY]);
      if (!locked) return 0;
      const rows = await this.outbox.lockUnpublished(tx, this.config.notify.outboxBatchSize);
      if (rows.length === 0) return 0;
      const adds: Array<Promise<unknown>> = [];
      for (const route of EVENT_ROUTES) {
        if (route.portal && !this.config.notify.portalSyncUrl) continue;
        const ids = rows.filter((r) => !route.types || route.types.includes(r.type)).map((r) => String(r.id));
        if (route.batch) {
          for (let i = 0; i < ids.length; i += route.batch) {
            const eventIds = ids.slice(i, i + route.batch);
            adds.push(this.producer.enqueue(route.job, { eventIds }, { jobId: batchJobId(eventIds), ...this.optionsFor(route.job) }));
          }
        } else {
          for (const id of ids) adds.push(this.producer.enqueue(route.job, { eventId: id }, { jobId: `event-${id}`, ...this.optionsFor(route.job) }));
        }
      }
      await withTimeout(Promise.all(adds), ENQUEUE_TIMEOUT_MS, 'queue');
      await this.outbox.markPublished(tx, rows.map((r) => String(r.id)));
      return rows.length;
    });
  }

  private optionsFor(job: JobKey): JobOptions {
    return job === 'portalDeliver' ? { attempts: this.config.notify.portalAttempts } : {};
  }
}
