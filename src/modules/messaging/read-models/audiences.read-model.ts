/**
 * Read model of messaging: who an announcement may go to and who it reaches. It reads other modules' tables and never
 * writes them:
 * - `classes` (schools module): the class of a class announcement, checked by the rule `announcementClassSendableSql`
 *   of src/access (an admin of its school, or its class teacher);
 * - `users`, `enrolments`, `parent_children` (users module): the active users of a school, of a role, or of a class
 *   (its current students and their parents).
 * Why a join and not the owners' services: recipients are resolved once, at send time, by one
 * `INSERT … SELECT` into messaging's `announcement_recipients` in the sending transaction (AnnouncementsRepository),
 * so the audience is a subquery, not a list carried through the application.
 * Style: SqlRepository (positional parameters for the audience subquery, named for the class check composed with the rule).
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { announcementClassSendableSql } from '../../../access';
import { Principal } from '../../../common/auth/principal';
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

  /** Whether the caller may send an announcement to the class (src/access `announcementClassSendableSql`). */
  async isClassSendable(p: Principal, classId: string | undefined): Promise<boolean> {
    const sendable = announcementClassSendableSql(p, 'c');
    const rows = await this.run(`SELECT c.id FROM classes c WHERE c.id = :anClass AND ${sendable.sql}`, {
      anClass: classId ?? null,
      ...sendable.params,
    });
    return rows.length > 0;
  }
}
