import { Inject, Injectable, Logger } from '@nestjs/common';
import { loggable } from '../../../core/logging/loggable';
import { Cron } from '@nestjs/schedule';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { JobKeys } from '../../../core/queue/job-ids';
import { QueueProducer } from '../../../core/queue/queue-producer.service';
import { LessonRemindersService } from '../lesson-reminders.service';
import { LessonReminderJob } from './lesson-reminder.processor';

/**
 * Every minute: selects lessons starting in about N minutes and enqueues one job per lesson start.
 * Lessons carry their UTC start computed in the school's time zone, so one UTC query serves every
 * school. The window is two minutes wide (a late or skipped firing loses nothing); overlaps and a
 * second worker's firing collapse on the deterministic jobId, and the outbox key makes the job itself
 * idempotent.
 */
@Injectable()
export class LessonReminderScheduler {
  private readonly logger = new Logger(LessonReminderScheduler.name);

  constructor(
    private readonly reminders: LessonRemindersService,
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Cron('0 * * * * *', { name: 'lesson-reminders', timeZone: 'UTC' })
  async everyMinute(): Promise<void> {
    try {
      await this.tick();
    } catch (e) {
      this.logger.warn({ err: loggable(e) }, 'Lesson reminder selection failed; the next firing retries');
    }
  }

  /** One selection; returns the job ids enqueued (tests call it directly). */
  async tick(now: Date = new Date()): Promise<string[]> {
    const lead = this.config.diary.lessonReminderMinutes * 60_000;
    const from = new Date(now.getTime() + lead - 60_000);
    const to = new Date(now.getTime() + lead + 60_000);
    const lessons = await this.reminders.lessonsStartingBetween(from, to);
    const ids: string[] = [];
    for (const l of lessons) {
      const startsAtMs = new Date(l.starts_at).getTime();
      const job = await this.producer.enqueue<LessonReminderJob>(
        'lessonReminder',
        { lessonId: l.id, startsAtMs },
        { key: JobKeys.lessonReminder(l.id, startsAtMs) },
      );
      ids.push(String(job.id));
    }
    return ids;
  }
}
