import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role } from '../../common/auth/role';
import { SqlRepository } from '../../core/database/sql-repository';

/** A session and the current state of its user, as SessionCheck judges them. */
export interface SessionStateRow {
  status: string;
  roles: Role[];
  school_id: string | null;
  region_id: string | null;
  auth_version: number;
  session_epoch: number;
  epoch: number;
  revoked: boolean;
}

/**
 * The read model "session with its user's current authorisation" (sessions are ours, users belong to the users
 * module; this join is read-only). Named SQL, one prepared statement: it runs only for a token older than its
 * user's last access change, or for every request while Redis is down (docs/security.md).
 */
@Injectable()
export class SessionStateRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  async sessionWithUser(sessionId: string, userId: string): Promise<SessionStateRow | undefined> {
    const [row] = await this.runPrepared<SessionStateRow>(
      `SELECT u.status, u.roles, u.school_id, u.region_id, u.auth_version, u.session_epoch, s.epoch, s.revoked_at IS NOT NULL AS revoked
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = :sessionId AND s.user_id = :userId`,
      { sessionId, userId },
    );
    return row;
  }
}
