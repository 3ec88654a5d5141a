import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource, IsNull, Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../core/redis/redis.module';
import { AuthErrors } from './auth.errors';
import { AuthMethod, Session } from './entities/session.entity';
import { SharedDeadline } from './shared-deadline';

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const newSecret = (): string => randomBytes(32).toString('base64url');
/** How long a request waits for Redis on the token check before failing open. */
export const REDIS_CHECK_TIMEOUT_MS = 250;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Sessions and their rotating refresh tokens. Only hashes are stored. */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);
  /** One timer for the revoked-session checks of all requests in flight, not one per request. */
  private readonly revokedCheckDeadline = new SharedDeadline(REDIS_CHECK_TIMEOUT_MS, 'redis');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async open(userId: string, method: AuthMethod, client: ClientInfo): Promise<{ sessionId: string; refreshToken: string }> {
    const secret = newSecret();
    const now = new Date();
    const session = await this.sessions.save(
      this.sessions.create({
        userId,
        method,
        refreshTokenHash: hashSecret(secret),
        ip: client.ip,
        userAgent: client.userAgent?.slice(0, 500) ?? null,
        lastUsedAt: now,
        expiresAt: new Date(now.getTime() + this.config.refreshTtlDays * 86_400_000),
      }),
    );
    return { sessionId: session.id, refreshToken: `${session.id}.${secret}` };
  }

  /**
   * Swaps a refresh token for a new one. The swap is one conditional UPDATE, so two requests
   * with the same token cannot both win. A well-formed token of a live session that no longer
   * matches was already used: the session is revoked (stolen-token detection).
   */
  async rotate(refreshToken: string): Promise<{ sessionId: string; userId: string; method: AuthMethod; refreshToken: string }> {
    const [sessionId, secret] = refreshToken.split('.');
    if (!sessionId || !secret || !UUID.test(sessionId)) throw AuthErrors.invalidRefreshToken();
    const next = newSecret();
    const rows: Array<{ user_id: string; method: AuthMethod }> = await this.db.query(
      `WITH rotated AS (
         UPDATE sessions SET refresh_token_hash = $3, generation = generation + 1, last_used_at = now()
          WHERE id = $1 AND refresh_token_hash = $2 AND revoked_at IS NULL AND expires_at > now()
         RETURNING user_id, method)
       SELECT user_id, method FROM rotated`,
      [sessionId, hashSecret(secret), hashSecret(next)],
    );
    if (rows.length === 1) return { sessionId, userId: rows[0].user_id, method: rows[0].method, refreshToken: `${sessionId}.${next}` };

    const session = await this.sessions.findOneBy({ id: sessionId });
    if (session && session.revokedAt === null && session.expiresAt > new Date() && !sameHash(session.refreshTokenHash, hashSecret(secret))) {
      await this.revoke(sessionId, 'refresh_token_reuse');
      throw AuthErrors.refreshTokenReused();
    }
    throw AuthErrors.invalidRefreshToken();
  }

  /** Ends a session; its access tokens stop working at once (checked in Redis by AccessTokenGuard). */
  async revoke(sessionId: string, reason: string): Promise<boolean> {
    const res = await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    await this.markRevoked([sessionId]);
    return (res.affected ?? 0) > 0;
  }

  /** Ends every live session of a user (optionally only those opened with one method). */
  async revokeAllForUser(userId: string, reason: string, method?: AuthMethod): Promise<number> {
    const rows: Array<{ id: string }> = await this.db.query(
      `WITH revoked AS (
         UPDATE sessions SET revoked_at = now(), revoked_reason = $2
          WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() AND ($3::text IS NULL OR method = $3)
         RETURNING id)
       SELECT id FROM revoked`,
      [userId, reason, method ?? null],
    );
    await this.markRevoked(rows.map((r) => r.id));
    return rows.length;
  }

  /**
   * Whether a session was ended within the last access-token lifetime. If Redis does not answer
   * within REDIS_CHECK_TIMEOUT_MS this fails open (the token's signature and expiry still hold, and
   * tokens live minutes): a Redis outage must not lock every teacher out of the diary.
   */
  async isRevoked(sessionId: string): Promise<boolean> {
    try {
      return (await this.revokedCheckDeadline.wait(this.redis.exists(`revoked-session:${sessionId}`))) === 1;
    } catch (e) {
      this.warnRedisDown(e);
      return false;
    }
  }

  private lastRedisWarning = 0;
  private warnRedisDown(e: unknown): void {
    if (Date.now() - this.lastRedisWarning < 60_000) return;
    this.lastRedisWarning = Date.now();
    this.logger.warn({ err: (e as Error).message }, 'Redis did not answer the revoked-session check; accepting tokens on signature and expiry');
  }

  /** Deletes sessions that ended more than `days` ago. */
  async purgeEnded(days: number): Promise<number> {
    const rows: Array<{ id: string }> = await this.db.query(
      `WITH gone AS (DELETE FROM sessions WHERE expires_at < now() - make_interval(days => $1)
                        OR revoked_at < now() - make_interval(days => $1) RETURNING id)
       SELECT id FROM gone`,
      [days],
    );
    return rows.length;
  }

  private async markRevoked(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    // An access token lives at most jwtAccessTtlSec; the mark only has to outlive it.
    const multi = this.redis.multi();
    for (const id of ids) multi.set(`revoked-session:${id}`, '1', 'EX', this.config.jwtAccessTtlSec + 60);
    await multi.exec();
  }
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
