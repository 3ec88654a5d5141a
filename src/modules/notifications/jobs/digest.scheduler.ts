import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { dateInZone } from '../../../common/time/zoned-date';
import { JobKeys } from '../../../core/queue/job-ids';
import { QueueProducer } from '../../../core/queue/queue-producer.service';
import { DIGEST_TIME_ZONE } from '../digest.service';
import { DigestJob } from './notifications.processor';

/** 19:00 Moscow time: one selection job per day (deterministic id: two workers firing enqueue one). */
@Injectable()
export class DigestScheduler {
  private readonly logger = new Logger(DigestScheduler.name);

  constructor(private readonly producer: QueueProducer) {}

  @Cron('0 0 19 * * *', { name: 'daily-digest', timeZone: DIGEST_TIME_ZONE })
  async evening(): Promise<void> {
    try {
      await this.enqueue(new Date());
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'Daily digest selection could not be queued');
    }
  }

  /** Queues the selection of the local day of `now`; returns the job id. */
  async enqueue(now: Date): Promise<string> {
    const date = dateInZone(now, DIGEST_TIME_ZONE);
    const job = await this.producer.enqueue<DigestJob>('dailyDigest', { date }, { key: JobKeys.dailyDigest(date) });
    return String(job.id);
  }
}
