/**
 * Read model of the schedule module: who hears of a lesson (its reminder). Besides the schedule's own `lessons` and
 * `lesson_reminder_opt_ins` it reads, of the users module, the class's current students (`enrolments`) and their
 * parents (`parent_children`), and never writes them. Why a join and not the users module's service: the recipients
 * are resolved in the reminder's own transaction, in one query per lesson, filtered by the opt-ins in the same statement.
 */
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

@Injectable()
export class LessonRecipientsReadModel {
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
}
