import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JOBS, QUEUES } from '../../../core/queue/queue.constants';
import { PushDeliveryService, PushResult } from '../push/push-delivery.service';

export interface PushJob {
  deliveryId: string;
}

/** A push service refusal that no retry can fix; the job is discarded after the row is marked failed. */
export class PermanentPushError extends Error {
  override name = 'PermanentPushError';
}

export class RetryablePushError extends Error {
  override name = 'RetryablePushError';
}

/**
 * Worker: one push to one device. Retryable answers (429/5xx/network) throw so Bull backs off
 * (PUSH_ATTEMPTS, PUSH_BACKOFF_MS); permanent ones mark the row failed and discard the job.
 */
@Processor(QUEUES.push)
export class PushProcessor {
  constructor(private readonly push: PushDeliveryService) {}

  @Process({ name: JOBS.pushDeliver.name, concurrency: 16 })
  async deliver(job: Job<PushJob>): Promise<{ result: PushResult }> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const r = await this.push.deliverPush(String(job.data.deliveryId), lastAttempt);
    if (r.result === 'retry') throw new RetryablePushError(r.error ?? 'push service unavailable');
    if (r.result === 'permanent' || r.result === 'failed') {
      await job.discard();
      throw new PermanentPushError(r.error ?? 'push refused');
    }
    return { result: r.result };
  }
}
