import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { JobKeys } from '../../core/queue/job-ids';
import { QueueProducer } from '../../core/queue/queue-producer.service';

/**
 * Every night at 03:17 Moscow time: one purge job that removes ended sessions, old login history and old
 * idempotency keys (retention in maintenance.processor.ts), not only sessions, whatever its name says.
 * Cron only selects work and enqueues it with a deterministic job id, so two workers firing at
 * the same minute enqueue one job.
 */
@Injectable()
export class MaintenanceScheduler {
  constructor(private readonly producer: QueueProducer) {}

  @Cron('17 3 * * *', { name: 'purge-expired-sessions', timeZone: 'Europe/Moscow' })
  async nightly(): Promise<void> {
    const day = new Date().toISOString().slice(0, 10);
    await this.producer.enqueue('purgeExpiredSessions', {}, { key: JobKeys.purgeExpiredSessions(day) });
  }
}
