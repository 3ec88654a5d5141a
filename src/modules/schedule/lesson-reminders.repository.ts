import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Queries of lesson reminders (positional SQL): the opt-ins (`lesson_reminder_opt_ins`, this module's table) and the
 * lessons to remind of. Who hears of a lesson is read-models/lesson-recipients.read-model.ts.
 */
@Injectable()
export class LessonRemindersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async setReminderOptIn(userId: string, enabled: boolean): Promise<void> {
    if (enabled) await this.db.query('INSERT INTO lesson_reminder_opt_ins (user_id) VALUES ($1) ON CONFLICT DO NOTHING', [userId]);
    else await this.db.query('DELETE FROM lesson_reminder_opt_ins WHERE user_id = $1', [userId]);
  }

  async isReminderOptedIn(userId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM lesson_reminder_opt_ins WHERE user_id = $1', [userId]);
    return rows.length > 0;
  }

  /** Scheduled lessons starting in [from, to). */
  async findLessonsStartingBetween(from: Date, to: Date): Promise<Array<{ id: string; starts_at: Date }>> {
    return this.db.query(
      `SELECT id, starts_at FROM lessons WHERE status = 'scheduled' AND starts_at >= $1 AND starts_at < $2 ORDER BY starts_at LIMIT 20000`,
      [from, to],
    );
  }

  async findLessonForReminder(
    tx: EntityManager,
    lessonId: string,
  ): Promise<{ id: string; school_id: string; status: string; starts_at: Date } | null> {
    const [row] = await tx.query('SELECT id, school_id, status, starts_at FROM lessons WHERE id = $1', [lessonId]);
    return row ?? null;
  }
}
