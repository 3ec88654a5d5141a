import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { PushDeliveryService } from '../push/push-delivery.service';

/**
 * Every 5 minutes: pushes left 'sending' by a job that will not run again go back on the queue
 * (`PushDeliveryService.sweepStalled`). Only selects rows and enqueues them under their deterministic
 * job ids; the rows are taken with SKIP LOCKED, so two workers firing together requeue each row once.
 */
@Injectable()
export class PushSweepScheduler {
  private readonly logger = new Logger(PushSweepScheduler.name);

  constructor(private readonly push: PushDeliveryService) {}

  @Cron('0 */5 * * * *', { name: 'push-sending-sweep', timeZone: 'UTC' })
  async sweep(): Promise<void> {
    try {
      await this.push.sweepStalled();
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'Sweep of stalled push deliveries failed; the next one tries again');
    }
  }
}
