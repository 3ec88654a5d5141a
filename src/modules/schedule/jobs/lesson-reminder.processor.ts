import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JOBS, QUEUES } from '../../../core/queue/queue.constants';
import { LessonRemindersService } from '../lesson-reminders.service';

export interface LessonReminderJob {
  lessonId: string;
  startsAtMs: number;
}

/** Worker: turns one reminder job into one outbox event (safe to run twice). */
@Processor(QUEUES.schedule)
export class LessonReminderProcessor {
  constructor(private readonly reminders: LessonRemindersService) {}

  @Process(JOBS.lessonReminder.name)
  handle(job: Job<LessonReminderJob>): Promise<{ recorded: boolean; recipients: number; skipped?: string }> {
    return this.reminders.recordReminder(job.data.lessonId, job.data.startsAtMs);
  }
}
