import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { QueueProducer } from '../../../core/queue/queue-producer.service';
import { DIGEST_TIME_ZONE } from '../notifications.service';
import { DigestJob } from './notifications.processor';

/** The local date (YYYY-MM-DD) in a time zone. */
export const localDate = (now: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);

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

  async enqueue(now: Date): Promise<string> {
    const date = localDate(now, DIGEST_TIME_ZONE);
    const jobId = `daily-digest:${date}`;
    await this.producer.enqueue<DigestJob>('dailyDigest', { date }, { jobId });
    return jobId;
  }
}
