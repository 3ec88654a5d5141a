import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { withTimeout } from '../../common/with-timeout';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../core/redis/redis.module';
import { AuthErrors } from './auth.errors';

/**
 * Fixed one-minute window per client IP, in Redis so every API instance shares it.
 * A school's teachers often sit behind one NAT address: keep LOGIN_RATE_LIMIT_PER_MINUTE generous.
 */
@Injectable()
export class LoginRateLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async hit(ip: string): Promise<void> {
    const now = Date.now();
    const window = Math.floor(now / 60_000);
    const key = `rl:login:${ip}:${window}`;
    let count: number;
    try {
      const [[, n]] = (await withTimeout(this.redis.multi().incr(key).expire(key, 120).exec(), 250, 'redis')) as [[Error | null, number], unknown];
      count = n;
    } catch {
      return; // Redis down: sign-in keeps working; the lockout per account (in PostgreSQL) still holds
    }
    if (count > this.config.loginRateLimitPerMinute) {
      throw AuthErrors.tooManyAttempts(Math.ceil(((window + 1) * 60_000 - now) / 1000));
    }
  }
}
