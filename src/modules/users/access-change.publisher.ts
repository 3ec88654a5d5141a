import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../core/redis/redis.module';
import { RedisWriteRetry } from '../../core/redis/redis-write-retry';
import { User } from './entities/user.entity';

/**
 * Redis key holding the newest authorisation version of a user (users.auth_version), read by the auth module's
 * SessionCheck on every request together with the revoked-session mark. See docs/security.md.
 */
export const authzKey = (userId: string): string => `authz:${userId}`;

/** Published for a user whose row is gone: newer than any token, so every token of theirs is checked (and refused). */
export const GONE_USER_VERSION = 2_147_483_647;

/** SET the version unless Redis already holds a newer one; refresh the TTL either way. */
const PUBLISH_MAX = `local cur = tonumber(redis.call('GET', KEYS[1]))
if cur == nil or cur < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) else redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 1`;

const PENDING = 'accessChangedUserIds';

/**
 * After a change of what access tokens say about a user (roles, status, school, region, password, session
 * epoch — the trigger `users_authorisation_version` bumps users.auth_version), publishes the new version to Redis
 * before the request that made the change returns. Changes made in a transaction are published when it commits:
 * `changed(tx, ids)` notes the ids on the transaction's query runner and this subscriber's afterTransactionCommit,
 * which TypeORM awaits inside commitTransaction, publishes them (so a caller such as the teaching module, granting
 * `class_teacher` in its own transaction, needs to do nothing). The value is read back from the database after the
 * commit, never guessed, so Redis can never announce a version readers cannot see yet.
 */
@Injectable()
export class AccessChangePublisher implements EntitySubscriberInterface<User>, OnApplicationShutdown {
  private readonly logger = new Logger(AccessChangePublisher.name);
  private readonly retry = new RedisWriteRetry('an authorisation version', this.logger);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    db.subscribers.push(this);
  }

  listenTo(): typeof User {
    return User;
  }

  /** Publishes the users' versions when `tx` commits, or now when there is no open transaction. */
  async changed(tx: EntityManager | undefined, userIds: string[]): Promise<void> {
    const qr = tx?.queryRunner;
    if (qr?.isTransactionActive) {
      const ids: Set<string> = (qr.data[PENDING] ??= new Set<string>());
      for (const id of userIds) ids.add(id);
      return;
    }
    await this.publish(userIds, qr);
  }

  async afterTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    if (event.queryRunner.isTransactionActive) return; // a savepoint: wait for the outer commit
    const ids = takePending(event.queryRunner);
    if (ids.length) await this.publish(ids, event.queryRunner);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) takePending(event.queryRunner);
  }

  /**
   * Reads the committed versions (on the caller's connection when it has one, so a transaction that is just
   * committing needs no second pool connection) and publishes them. Never throws: a Redis that does not answer
   * gets the write retried (RedisWriteRetry) while readers check PostgreSQL meanwhile.
   */
  async publish(userIds: string[], qr?: QueryRunner): Promise<void> {
    if (userIds.length === 0) return;
    let rows: Array<{ id: string; auth_version: number }>;
    try {
      const sql = 'SELECT id, auth_version FROM users WHERE id = ANY($1::uuid[])';
      rows = qr && !qr.isReleased ? await qr.query(sql, [userIds]) : await this.db.query(sql, [userIds]);
    } catch (e) {
      this.logger.error({ err: (e as Error).message }, 'Could not read authorisation versions to publish');
      return;
    }
    // A token issued before the change lives at most jwtAccessTtlSec; the key only has to outlive it.
    const ttlSec = this.config.jwtAccessTtlSec + 60;
    await Promise.all(
      userIds.map((id) => {
        const version = rows.find((r) => r.id === id)?.auth_version ?? GONE_USER_VERSION;
        return this.retry.run(authzKey(id), () => this.redis.eval(PUBLISH_MAX, 1, authzKey(id), version, ttlSec), ttlSec * 1000);
      }),
    );
  }

  onApplicationShutdown(): void {
    this.retry.stop();
    const i = this.db.subscribers.indexOf(this);
    if (i >= 0) this.db.subscribers.splice(i, 1);
  }
}

function takePending(qr: QueryRunner): string[] {
  const ids = qr.data[PENDING] as Set<string> | undefined;
  delete qr.data[PENDING];
  return ids ? [...ids] : [];
}
