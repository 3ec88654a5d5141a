import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { JOBS, QUEUES } from '../../../core/queue/queue.constants';
import { portalRetryDelay } from '../backoff';
import { PortalResult, PortalSyncService } from '../portal-sync.service';

export interface PortalJob {
  eventId: string;
}

export class RetryablePortalError extends Error {
  override name = 'RetryablePortalError';
}
export class PermanentPortalError extends Error {
  override name = 'PermanentPortalError';
}

/**
 * Worker: one event to the portal. Retryable failures throw and Bull waits per the `portal-sync` backoff
 * (first retry after PORTAL_SYNC_FIRST_RETRY_MS, then exponential with jitter); after the last attempt
 * the delivery is parked as failed; permanent refusals are parked at once and the job discarded.
 */
@Processor(QUEUES.portalSync)
export class PortalSyncProcessor {
  constructor(
    private readonly portal: PortalSyncService,
    @InjectQueue(QUEUES.portalSync) queue: Queue,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // Bull computes a retry's delay with the strategies of the queue that processes the job: register
    // ours on this (worker) instance before any job runs.
    const settings = (queue as unknown as { settings: { backoffStrategies?: Record<string, (n: number) => number> } }).settings;
    const { portalFirstRetryMs, portalMaxRetryDelayMs } = config.notify;
    settings.backoffStrategies = {
      ...settings.backoffStrategies,
      'portal-sync': (n: number) => portalRetryDelay(n, portalFirstRetryMs, portalMaxRetryDelayMs),
    };
  }

  @Process({ name: JOBS.portalDeliver.name, concurrency: 4 })
  async deliver(job: Job<PortalJob>): Promise<{ result: PortalResult }> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const r = await this.portal.deliver(String(job.data.eventId), lastAttempt);
    if (r.result === 'retry') throw new RetryablePortalError(r.error ?? 'portal unavailable');
    if (r.result === 'permanent' || r.result === 'failed') {
      await job.discard();
      throw new PermanentPortalError(r.error ?? 'portal refused the event');
    }
    return { result: r.result };
  }
}
