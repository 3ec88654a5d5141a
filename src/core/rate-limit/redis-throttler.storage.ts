import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { withTimeout } from '../../common/with-timeout';

/** How long a hit may wait for Redis before the request goes on unlimited. */
export const RATE_LIMIT_REDIS_TIMEOUT_MS = 250;

/**
 * One hit in one step: count it, start the window on the first hit (PEXPIRE), and on the first hit over
 * the limit stretch the window to the block duration if that is longer. Returns the count and the
 * milliseconds until the window (or block) ends. A key found without an expiry gets one, so no window
 * lives forever.
 */
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  ttl = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl)
end
local block = tonumber(ARGV[3])
if n == tonumber(ARGV[2]) + 1 and block > ttl then
  ttl = block
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return {n, ttl}
`;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
type RedisWithHit = Redis & { diaryRateLimitHit(key: string, ttlMs: number, limit: number, blockMs: number): Promise<[number, number]> };

/**
 * `@nestjs/throttler` storage over the app's Redis client, so every API instance and every
 * API_PROCESSES fork counts into the same fixed windows (keys `<REDIS_PREFIX>:rl:<class>:<client>`).
 * Redis down or slow (over 250 ms): the hit is not counted and the request goes on (fail open), logged
 * once a minute; sign-in then still has the account lockout in PostgreSQL (docs/security.md).
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private lastWarning = 0;

  constructor(private readonly redis: Redis) {
    if (!('diaryRateLimitHit' in redis)) redis.defineCommand('diaryRateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    let hits: number;
    let leftMs: number;
    try {
      [hits, leftMs] = await withTimeout(
        (this.redis as RedisWithHit).diaryRateLimitHit(key, ttl, limit, blockDuration),
        RATE_LIMIT_REDIS_TIMEOUT_MS,
        'redis',
      );
    } catch (e) {
      this.warnUnavailable(e);
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
    const seconds = Math.max(1, Math.ceil(leftMs / 1000));
    const isBlocked = hits > limit;
    return { totalHits: hits, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
  }

  private warnUnavailable(e: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'Rate limits are off while Redis does not answer');
  }
}
