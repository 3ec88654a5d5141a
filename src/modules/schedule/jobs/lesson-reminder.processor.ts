import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JOBS, QUEUES } from '../../../core/queue/queue.constants';
import { ScheduleService } from '../schedule.service';

export interface LessonReminderJob {
  lessonId: string;
  startsAtMs: number;
}

/** Worker: turns one reminder job into one outbox event (safe to run twice). */
@Processor(QUEUES.schedule)
export class LessonReminderProcessor {
  constructor(private readonly schedule: ScheduleService) {}

  @Process(JOBS.lessonReminder.name)
  handle(job: Job<LessonReminderJob>): Promise<{ recorded: boolean; recipients: number; skipped?: string }> {
    return this.schedule.recordReminder(job.data.lessonId, job.data.startsAtMs);
  }
}
