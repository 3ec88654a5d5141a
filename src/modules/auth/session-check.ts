import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { REDIS } from '../../core/redis/redis.module';
import { authzKey } from '../users/access-change.publisher';
import { UserStatus } from '../users/entities/user.entity';
import { AuthErrors } from './auth.errors';
import { SessionStateReadModel, SessionStateRow } from './read-models/session-state.read-model';
import { revokedSessionKey, SessionsService } from './sessions.service';
import { SharedDeadline } from './shared-deadline';
import { AccessClaims, principalFromClaims } from './token.service';

/** How long a request waits for Redis on the session check before asking PostgreSQL instead. */
export const REDIS_CHECK_TIMEOUT_MS = 250;
/** After Redis failed, keep asking PostgreSQL this long: marks and versions written meanwhile are still being retried. */
export const REDIS_RECOVERY_GRACE_MS = 5_000;
/** Verdicts remembered per (session, published version); only sessions whose token is older than an access change. */
const MAX_CACHED_VERDICTS = 10_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type EndedReason = 'session_not_found' | 'session_revoked' | 'account_disabled' | 'sessions_ended';

/** What PostgreSQL says about a session: over, or alive with the user's current roles and placement. */
export type SessionVerdict =
  | { ended: true; reason: EndedReason }
  | { ended: false; roles: Role[]; schoolId: string | null; regionId: string | null; authVersion: number };

/** Pure: the verdict on a session from its row (undefined: the session or its user is gone). */
export function verdictOf(row: SessionStateRow | undefined): SessionVerdict {
  if (!row) return { ended: true, reason: 'session_not_found' };
  if (row.revoked) return { ended: true, reason: 'session_revoked' };
  if (row.status !== UserStatus.Active) return { ended: true, reason: 'account_disabled' };
  if (row.epoch < row.session_epoch) return { ended: true, reason: 'sessions_ended' };
  return { ended: false, roles: row.roles, schoolId: row.school_id, regionId: row.region_id, authVersion: row.auth_version };
}

/**
 * Pure: what the one Redis answer (MGET of the revoked-session mark and the user's published version) means for
 * a token issued at version `av`: `revoked`, `token` (its claims hold: the normal path, no database), or
 * `database` (the account changed after the token was issued: read the current state).
 */
export function redisAnswer(revokedMark: string | null, publishedVersion: string | null, av: number): 'revoked' | 'token' | 'database' {
  if (revokedMark !== null) return 'revoked';
  if (publishedVersion === null) return 'token';
  const v = Number(publishedVersion);
  return Number.isFinite(v) && v <= av ? 'token' : 'database';
}

/**
 * Decides, for every authenticated request, whether the session still stands and with which roles and placement
 * (docs/security.md, "Sessions and access changes"):
 * - normal path: ONE Redis round trip (MGET `revoked-session:<sid>`, `authz:<userId>`), no database;
 * - the user's published version is newer than the token's `av`: one prepared statement reads the session and its
 *   user; ended (blocked, password changed, session epoch moved, row gone) → SESSION_REVOKED and the session is
 *   marked revoked in Redis; otherwise the request runs with the fresh roles/school/region. The verdict is kept
 *   in process per (session, version), so a client that does not refresh costs one query per process;
 * - Redis does not answer (or is not connected, or recovered less than REDIS_RECOVERY_GRACE_MS ago): the same
 *   statement for every request, no cache. Nothing fails open any more.
 */
@Injectable()
export class SessionCheck {
  private readonly logger = new Logger(SessionCheck.name);
  /** One timer for the Redis waits of all requests in flight, not one per request. */
  private readonly deadline = new SharedDeadline(REDIS_CHECK_TIMEOUT_MS, 'redis');
  private readonly verdicts = new Map<string, Promise<SessionVerdict>>();
  private lastRedisFailure = Number.NEGATIVE_INFINITY;
  private redisWasReady = false;
  private lastWarning = 0;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly state: SessionStateReadModel,
    private readonly sessions: SessionsService,
  ) {}

  /** The principal a valid access token stands for now; throws SESSION_REVOKED for an ended session. */
  async principalFor(claims: AccessClaims): Promise<Principal> {
    const token = principalFromClaims(claims);
    const verdict = await this.verdict(claims.sub, claims.sid, token.authVersion ?? 0);
    if (verdict === null) return token;
    if (verdict.ended) throw AuthErrors.sessionRevoked();
    return { ...token, roles: verdict.roles, schoolId: verdict.schoolId, regionId: verdict.regionId, authVersion: verdict.authVersion };
  }

  /**
   * Whether a session has ended since `p` was read (an open SSE stream asks on every heartbeat). Without
   * `authVersion`, any published version sends it to the database. Errors count as "not ended".
   */
  async hasEnded(p: { userId: string; sessionId: string; authVersion?: number }): Promise<boolean> {
    try {
      return (await this.verdict(p.userId, p.sessionId, p.authVersion ?? -1))?.ended ?? false;
    } catch {
      return false;
    }
  }

  /** null: the token's own claims hold. */
  private async verdict(userId: string, sessionId: string, av: number): Promise<SessionVerdict | null> {
    if (!UUID.test(sessionId) || !UUID.test(userId)) return { ended: true, reason: 'session_not_found' };
    if (!this.redisUsable()) return this.load(userId, sessionId);
    let answer: Array<string | null>;
    try {
      answer = await this.deadline.wait(this.redis.mget(revokedSessionKey(sessionId), authzKey(userId)));
    } catch (e) {
      this.redisFailed(e);
      return this.load(userId, sessionId);
    }
    switch (redisAnswer(answer[0], answer[1], av)) {
      case 'revoked':
        return { ended: true, reason: 'session_revoked' };
      case 'token':
        return null;
      case 'database':
        return this.cachedLoad(userId, sessionId, Number(answer[1]));
    }
  }

  private cachedLoad(userId: string, sessionId: string, version: number): Promise<SessionVerdict> {
    const key = `${sessionId}:${version}`;
    const hit = this.verdicts.get(key);
    if (hit) return hit;
    const loading = this.load(userId, sessionId).then((v) => {
      // Only what is at least as new as the published version may answer for it.
      if (!v.ended && v.authVersion < version) this.verdicts.delete(key);
      return v;
    });
    loading.catch(() => this.verdicts.delete(key));
    if (this.verdicts.size >= MAX_CACHED_VERDICTS) this.verdicts.delete(this.verdicts.keys().next().value!);
    this.verdicts.set(key, loading);
    return loading;
  }

  private async load(userId: string, sessionId: string): Promise<SessionVerdict> {
    const verdict = verdictOf(await this.state.sessionWithUser(sessionId, userId));
    // The next request of this session then ends at the Redis mark; the check itself writes no database row.
    if (verdict.ended && verdict.reason !== 'session_not_found') void this.sessions.markRevoked([sessionId]);
    return verdict;
  }

  private redisUsable(): boolean {
    if (this.redis.status !== 'ready') {
      // Before the first connection (process start) this is no outage: no warning, no grace period.
      if (this.redisWasReady) this.redisFailed(new Error(`redis connection is ${this.redis.status}`));
      return false;
    }
    this.redisWasReady = true;
    return performance.now() - this.lastRedisFailure > REDIS_RECOVERY_GRACE_MS;
  }

  private redisFailed(e: unknown): void {
    this.lastRedisFailure = performance.now();
    if (Date.now() - this.lastWarning < 60_000) return;
    this.lastWarning = Date.now();
    this.logger.warn(
      { err: (e as Error).message },
      'Redis did not answer the session check; checking sessions in PostgreSQL until it does',
    );
  }
}
