import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JOBS, QUEUES } from '../../../core/queue/queue.constants';
import { JobKeys } from '../../../core/queue/job-ids';
import { QueueProducer } from '../../../core/queue/queue-producer.service';
import { DigestService } from '../digest.service';
import { FanOutResult, FanOutService } from '../fan-out.service';

/**
 * A fan-out job: `eventIds` (the relay batches events, see events/event-routes.ts); `eventId` is the
 * one-event form of jobs queued before batching, still accepted.
 */
export interface EventJob {
  eventIds?: string[];
  eventId?: string;
}

export interface DigestJob {
  date: string;
}

export interface UserDigestJob {
  userId: string;
  date: string;
}

/** Worker: outbox event → notifications (fan-out), and the daily digest. Every handler is safe to run twice. */
@Processor(QUEUES.notifications)
export class NotificationsProcessor {
  constructor(
    private readonly fanOut: FanOutService,
    private readonly digests: DigestService,
    private readonly producer: QueueProducer,
  ) {}

  @Process({ name: JOBS.notifyEvent.name, concurrency: 4 })
  handleEvents(job: Job<EventJob>): Promise<FanOutResult> {
    const { eventIds, eventId } = job.data;
    return this.fanOut.handleEvents(Array.isArray(eventIds) ? eventIds.map(String) : eventId !== undefined ? [String(eventId)] : []);
  }

  /** Selects the users who asked for a digest and queues one job each (deterministic job ids). */
  @Process(JOBS.dailyDigest.name)
  async dailyDigest(job: Job<DigestJob>): Promise<{ users: number }> {
    const users = await this.digests.digestUsers();
    for (const userId of users) {
      await this.producer.enqueue<UserDigestJob>(
        'userDigest',
        { userId, date: job.data.date },
        { key: JobKeys.userDigest(userId, job.data.date) },
      );
    }
    return { users: users.length };
  }

  @Process(JOBS.userDigest.name)
  userDigest(job: Job<UserDigestJob>): Promise<{ created: boolean; pushes: number }> {
    return this.digests.makeDigest(job.data.userId, job.data.date);
  }
}
