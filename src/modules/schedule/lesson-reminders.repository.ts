import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Queries of lesson reminders (positional SQL): the opt-ins (`lesson_reminder_opt_ins`, this module's table) and, to
 * find who hears of a lesson, its class's current students (`enrolments`) and their parents (`parent_children`) of
 * the users module, read here because the recipients are resolved in the reminder's own transaction.
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

  /** Opted-in people of a lesson: its current students, their parents, and the teacher giving it. */
  async findReminderRecipients(tx: EntityManager, lessonId: string): Promise<string[]> {
    const rows: Array<{ user_id: string }> = await tx.query(
      `WITH l AS (SELECT class_id, COALESCE(substitute_teacher_id, teacher_id) AS teacher_id FROM lessons WHERE id = $1),
            people AS (
              SELECT e.student_id AS user_id FROM enrolments e JOIN l ON e.class_id = l.class_id WHERE e.ended_at IS NULL
              UNION SELECT pc.parent_id FROM parent_children pc JOIN enrolments e ON e.student_id = pc.child_id AND e.ended_at IS NULL JOIN l ON e.class_id = l.class_id
              UNION SELECT teacher_id FROM l)
       SELECT p.user_id FROM people p JOIN lesson_reminder_opt_ins o ON o.user_id = p.user_id ORDER BY p.user_id`,
      [lessonId],
    );
    return rows.map((r) => r.user_id);
  }

  async findLessonForReminder(
    tx: EntityManager,
    lessonId: string,
  ): Promise<{ id: string; school_id: string; status: string; starts_at: Date } | null> {
    const [row] = await tx.query('SELECT id, school_id, status, starts_at FROM lessons WHERE id = $1', [lessonId]);
    return row ?? null;
  }
}
