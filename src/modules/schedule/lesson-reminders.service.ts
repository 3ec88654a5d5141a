import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { OutboxService } from '../events/outbox.service';
import { LessonRemindersRepository } from './lesson-reminders.repository';
import { LessonRecipientsReadModel } from './read-models/lesson-recipients.read-model';

/** "Lesson in N minutes": who opted in, the cron's selection and the event of one reminder (jobs/ run them). */
@Injectable()
export class LessonRemindersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: LessonRemindersRepository,
    private readonly recipients: LessonRecipientsReadModel,
    private readonly outbox: OutboxService,
  ) {}

  setReminders(p: Principal, enabled: boolean): Promise<void> {
    return this.repo.setReminderOptIn(p.userId, enabled);
  }

  remindersEnabled(p: Principal): Promise<boolean> {
    return this.repo.isReminderOptedIn(p.userId);
  }

  /** Scheduled lessons whose start falls in the window (the reminder cron's selection). */
  lessonsStartingBetween(from: Date, to: Date): Promise<Array<{ id: string; starts_at: Date }>> {
    return this.repo.findLessonsStartingBetween(from, to);
  }

  /**
   * Records the "lesson in N minutes" event for the opted-in people of a lesson, once: the job
   * re-reads the lesson (skips a cancelled or moved one) and the outbox key is unique per lesson start.
   */
  async recordReminder(lessonId: string, startsAtMs: number): Promise<{ recorded: boolean; recipients: number; skipped?: string }> {
    return this.db.transaction(async (tx) => {
      const lesson = await this.repo.findLessonForReminder(tx, lessonId);
      if (!lesson) return { recorded: false, recipients: 0, skipped: 'lesson-gone' };
      if (lesson.status !== 'scheduled') return { recorded: false, recipients: 0, skipped: 'cancelled' };
      if (new Date(lesson.starts_at).getTime() !== startsAtMs) return { recorded: false, recipients: 0, skipped: 'moved' };
      const userIds = await this.recipients.findReminderRecipients(tx, lessonId);
      if (userIds.length === 0) return { recorded: false, recipients: 0, skipped: 'no-recipients' };
      const recorded = await this.outbox.record(tx, {
        type: 'lesson.reminder',
        aggregateType: 'lesson',
        aggregateId: lessonId,
        schoolId: lesson.school_id,
        actorId: null,
        payload: { lessonId, startsAt: new Date(startsAtMs).toISOString(), userIds },
        idempotencyKey: `lesson.reminder:${lessonId}:${startsAtMs}`,
      });
      return { recorded, recipients: userIds.length };
    });
  }
}
