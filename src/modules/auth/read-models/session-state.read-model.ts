/**
 * Read model of the auth module: a session together with the current state of its user. Sessions are auth's own;
 * it reads, of the users module, `users` (status, roles, school and region, the authorisation version and the
 * session epoch), and never writes it. Why a join and not UsersService: every check of a session is about both rows
 * at one instant, so each is one statement:
 * - sessionWithUser: what SessionCheck judges, one prepared statement; it runs only for a token older than its
 *   user's last access change, or for every request while Redis is down (docs/security.md);
 * - rotate: the refresh-token swap, one conditional UPDATE of the session that holds only while the session is in its
 *   user's current session epoch and the user is active (two requests with the same token cannot both win);
 * - refusal: why a swap did not happen (ended, behind the epoch, user disabled, or the token was already used).
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role } from '../../../common/auth/role';
import { SqlRepository } from '../../../core/database/sql-repository';
import { AuthMethod } from '../entities/session.entity';

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

/** Why a refresh-token swap failed: the session's stored hash, whether it is live, behind its user's epoch, the user active. */
export interface RefreshRefusalRow {
  refresh_token_hash: string;
  live: boolean;
  behind: boolean;
  active: boolean;
}

@Injectable()
export class SessionStateReadModel extends SqlRepository {
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

  /** Swaps the session's refresh-token hash `hash` for `nextHash` if the session is live and current; the swapped row, else none. */
  rotate(sessionId: string, hash: string, nextHash: string): Promise<Array<{ user_id: string; method: AuthMethod; epoch: number }>> {
    return this.db.query(
      `WITH rotated AS (
         UPDATE sessions s SET refresh_token_hash = $3, generation = s.generation + 1, last_used_at = now()
           FROM users u
          WHERE s.id = $1 AND s.refresh_token_hash = $2 AND s.revoked_at IS NULL AND s.expires_at > now()
            AND u.id = s.user_id AND s.epoch >= u.session_epoch AND u.status = 'active'
         RETURNING s.user_id, s.method, s.epoch)
       SELECT user_id, method, epoch FROM rotated`,
      [sessionId, hash, nextHash],
    );
  }

  /** The state of a session whose swap did not happen, to tell why. */
  async refusal(sessionId: string): Promise<RefreshRefusalRow | undefined> {
    const [row]: RefreshRefusalRow[] = await this.db.query(
      `SELECT s.refresh_token_hash, (s.revoked_at IS NULL AND s.expires_at > now()) AS live,
              s.epoch < u.session_epoch AS behind, u.status = 'active' AS active
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
      [sessionId],
    );
    return row;
  }
}
