import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

export const REDIS = Symbol('REDIS');

/** Closes the shared client last, after everything that uses it. */
@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * One Redis client for the app's own keys; every key is prefixed with REDIS_PREFIX. Auto-pipelining: the
 * commands issued in one event-loop turn (every request's session check, rate-limit window…) leave in one
 * socket write instead of one write each, which under load was the largest single cost of a request
 * (docs/performance.md). MULTI blocks keep their own pipeline; subscribers are separate connections.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new Redis(config.redisUrl, {
          keyPrefix: `${config.redisPrefix}:`,
          maxRetriesPerRequest: 2,
          connectTimeout: 5000,
          enableOfflineQueue: true,
          enableAutoPipelining: true,
        }),
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
