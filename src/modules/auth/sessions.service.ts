import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource, EntityManager, IsNull, Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../core/redis/redis.module';
import { RedisWriteRetry } from '../../core/redis/redis-write-retry';
import { AuthErrors } from './auth.errors';
import { AuthMethod, Session } from './entities/session.entity';
import { SessionStateReadModel } from './read-models/session-state.read-model';

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const newSecret = (): string => randomBytes(32).toString('base64url');
export const revokedSessionKey = (sessionId: string): string => `revoked-session:${sessionId}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Sessions and their rotating refresh tokens. Only hashes are stored. */
@Injectable()
export class SessionsService implements OnApplicationShutdown {
  private readonly logger = new Logger(SessionsService.name);
  private readonly marks = new RedisWriteRetry('a revoked-session mark', this.logger);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly state: SessionStateReadModel,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Opens a session in the user's session epoch `epoch` (read with the user the tokens are issued for). */
  async open(userId: string, method: AuthMethod, client: ClientInfo, epoch: number): Promise<{ sessionId: string; refreshToken: string }> {
    const secret = newSecret();
    const now = new Date();
    const session = await this.sessions.save(
      this.sessions.create({
        userId,
        method,
        epoch,
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
   * Swaps a refresh token for a new one. The swap is one conditional UPDATE (SessionStateReadModel.rotate), so two
   * requests with the same token cannot both win; it also requires the session to be in its user's current
   * session epoch and the user to be active (a password reset or a block ends every session).
   * A well-formed token of a live session that no longer matches was already used: the session is
   * revoked (stolen-token detection).
   */
  async rotate(
    refreshToken: string,
  ): Promise<{ sessionId: string; userId: string; method: AuthMethod; epoch: number; refreshToken: string }> {
    const [sessionId, secret] = refreshToken.split('.');
    if (!sessionId || !secret || !UUID.test(sessionId)) throw AuthErrors.invalidRefreshToken();
    const next = newSecret();
    const rows = await this.state.rotate(sessionId, hashSecret(secret), hashSecret(next));
    if (rows.length === 1)
      return { sessionId, userId: rows[0].user_id, method: rows[0].method, epoch: rows[0].epoch, refreshToken: `${sessionId}.${next}` };

    const session = await this.state.refusal(sessionId);
    if (!session?.live) throw AuthErrors.invalidRefreshToken();
    if (!session.active) {
      await this.revoke(sessionId, 'account_disabled');
      throw AuthErrors.accountDisabled();
    }
    if (session.behind) {
      await this.revoke(sessionId, 'sessions_ended');
      throw AuthErrors.sessionRevoked();
    }
    if (!sameHash(session.refresh_token_hash, hashSecret(secret))) {
      await this.revoke(sessionId, 'refresh_token_reuse');
      throw AuthErrors.refreshTokenReused();
    }
    throw AuthErrors.invalidRefreshToken();
  }

  /**
   * Moves a live session to the user's new session epoch with a fresh refresh token (the user changed their own
   * password: the other sessions end, this one goes on). Inside the password change's transaction, right after the
   * statement that moved the user's epoch by one (under its row lock): a session already behind the epoch before
   * that (ended by a reset a moment ago) is not brought back.
   */
  async moveToEpoch(tx: EntityManager, sessionId: string, epoch: number): Promise<string> {
    const next = newSecret();
    const rows: Array<{ id: string }> = await tx.query(
      `WITH moved AS (
         UPDATE sessions SET epoch = $2, refresh_token_hash = $3, generation = generation + 1, last_used_at = now()
          WHERE id = $1 AND revoked_at IS NULL AND expires_at > now() AND epoch >= $2 - 1
         RETURNING id)
       SELECT id FROM moved`,
      [sessionId, epoch, hashSecret(next)],
    );
    if (rows.length !== 1) throw AuthErrors.sessionRevoked();
    return `${sessionId}.${next}`;
  }

  /** How and when a live session was opened; null if it has ended. */
  async findLive(sessionId: string): Promise<{ method: AuthMethod; createdAt: Date } | null> {
    const s = await this.sessions.findOne({
      where: { id: sessionId, revokedAt: IsNull() },
      select: { id: true, method: true, createdAt: true, expiresAt: true },
    });
    return s && s.expiresAt > new Date() ? { method: s.method, createdAt: s.createdAt } : null;
  }

  /** Ends a session; its access tokens stop working at once (checked in Redis by SessionCheck). */
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

  /**
   * Marks sessions ended in Redis, where SessionCheck looks on every request. Never throws: while Redis is down
   * the mark is retried (RedisWriteRetry) and SessionCheck reads the session from PostgreSQL meanwhile.
   */
  async markRevoked(ids: string[]): Promise<void> {
    // An access token lives at most jwtAccessTtlSec; the mark only has to outlive it.
    const ttlSec = this.config.jwtAccessTtlSec + 60;
    await Promise.all(
      ids.map((id) => this.marks.run(revokedSessionKey(id), () => this.redis.set(revokedSessionKey(id), '1', 'EX', ttlSec), ttlSec * 1000)),
    );
  }

  onApplicationShutdown(): void {
    this.marks.stop();
  }
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
