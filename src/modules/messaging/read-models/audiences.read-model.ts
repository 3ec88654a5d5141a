/**
 * Read model of messaging: who an announcement may go to and who it reaches. It reads other modules' tables and never
 * writes them:
 * - `classes` (schools module) and `class_teachers` (teaching): the class of a class announcement, and that a class
 *   teacher leads it;
 * - `users`, `enrolments`, `parent_children` (users module): the active users of a school, of a role, or of a class
 *   (its current students and their parents).
 * Why a join and not the owners' services: recipients are resolved once, at send time, by one
 * `INSERT … SELECT` into messaging's `announcement_recipients` in the sending transaction (AnnouncementsRepository),
 * so the audience is a subquery, not a list carried through the application.
 * Style: SqlRepository (positional parameters, fixed statements).
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlRepository } from '../../../core/database/sql-repository';
import { AnnouncementAudience } from '../entities/announcement.entity';

/**
 * Active users of the audience, as one SELECT of `user_id`. Parameters: $4 school, $5 class, $6 role.
 * A class means its current students and their parents.
 */
export function audienceSql(audience: AnnouncementAudience): string {
  switch (audience) {
    case AnnouncementAudience.School:
      return `SELECT u.id AS user_id FROM users u WHERE u.school_id = $4 AND u.status = 'active' AND $5::uuid IS NULL AND $6::text IS NULL`;
    case AnnouncementAudience.Role:
      return `SELECT u.id AS user_id FROM users u WHERE u.school_id = $4 AND u.status = 'active' AND $6::text = ANY(u.roles) AND $5::uuid IS NULL`;
    case AnnouncementAudience.Class:
      return `SELECT e.student_id AS user_id FROM enrolments e JOIN users u ON u.id = e.student_id
               WHERE e.class_id = $5::uuid AND e.ended_at IS NULL AND u.status = 'active' AND $4::uuid IS NOT NULL AND $6::text IS NULL
              UNION
              SELECT pc.parent_id FROM parent_children pc
                JOIN enrolments e ON e.student_id = pc.child_id AND e.ended_at IS NULL
                JOIN users u ON u.id = pc.parent_id
               WHERE e.class_id = $5::uuid AND u.status = 'active'`;
  }
}

@Injectable()
export class AudiencesReadModel extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  /** Whether the class is in the school and, unless the sender is its school's admin, led by the sender. */
  async isClassOfSender(classId: string | undefined, schoolId: string, sender: { userId: string; isAdmin: boolean }): Promise<boolean> {
    const rows: unknown[] = sender.isAdmin
      ? await this.db.query('SELECT id FROM classes WHERE id = $1 AND school_id = $2', [classId, schoolId])
      : await this.db.query(
          'SELECT c.id FROM classes c JOIN class_teachers ct ON ct.class_id = c.id WHERE c.id = $1 AND c.school_id = $2 AND ct.teacher_id = $3',
          [classId, schoolId, sender.userId],
        );
    return rows.length > 0;
  }
}
