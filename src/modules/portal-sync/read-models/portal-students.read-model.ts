/**
 * Read model of portal sync: the students a delivery to the regional portal is about. It reads, and never writes,
 * `enrolments` (users module; the current students of a class) and `esia_links` (linking module; which students have
 * an ESIA account and its subject id, the portal's key for a person).
 * Why SQL and not the owners' services: a delivery is built by the background job from an event, with no caller to
 * check; these are three fixed lookups by id, one query each, for a whole class at once.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@Injectable()
export class PortalStudentsReadModel {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async classStudents(classId: string): Promise<string[]> {
    const rows: Array<{ student_id: string }> = await this.db.query(
      'SELECT student_id FROM enrolments WHERE class_id = $1 AND ended_at IS NULL',
      [classId],
    );
    return rows.map((r) => r.student_id);
  }

  /** Of these students, those with an active ESIA link. */
  async linkedStudents(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ user_id: string }> = await this.db.query(
      'SELECT DISTINCT user_id FROM esia_links WHERE user_id = ANY($1::uuid[]) AND revoked_at IS NULL ORDER BY user_id',
      [ids],
    );
    return rows.map((r) => r.user_id);
  }

  /** ESIA subject ids of the students (the latest link of each, active first). */
  async oids(ids: string[]): Promise<Array<{ studentId: string; esiaOid: string }>> {
    if (ids.length === 0) return [];
    return this.db.query(
      `SELECT DISTINCT ON (user_id) user_id AS "studentId", oid AS "esiaOid" FROM esia_links
        WHERE user_id = ANY($1::uuid[]) ORDER BY user_id, (revoked_at IS NULL) DESC, linked_at DESC`,
      [ids],
    );
  }
}
