import { Body, Controller, Get, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import Redis from 'ioredis';
import { Public } from '../../../common/decorators/public.decorator';
import { NoRateLimit } from '../../../common/decorators/rate-limit.decorator';
import { AppError, CommonErrorCode } from '../../../common/errors/app-error';
import { REDIS } from '../../../core/redis/redis.module';

const KEEP_SECONDS = 7 * 86_400;

/**
 * DEVELOPMENT/TEST ONLY (loaded with the ESIA emulator, never in production): a stand-in for the state
 * portal at /esia-emulator/portal/events. Records what it got in Redis and applies each idempotency key
 * once, like the real portal must.
 */
@ApiExcludeController()
@Public()
@NoRateLimit('development/test only (never loaded in production); our own portal sync calls it')
@Controller('esia-emulator/portal')
export class PortalReceiverController {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  @Post('events')
  @HttpCode(200)
  async receive(
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: unknown,
  ): Promise<{ accepted: boolean; duplicate: boolean }> {
    if (!key || key.length > 300) throw new AppError(CommonErrorCode.ValidationFailed, 'Нужен заголовок Idempotency-Key', 400);
    const fresh = await this.redis.set(`portal-receiver:key:${key}`, '1', 'EX', KEEP_SECONDS, 'NX');
    if (fresh) {
      await this.redis.rpush('portal-receiver:events', JSON.stringify({ key, receivedAt: new Date().toISOString(), body }));
      await this.redis.expire('portal-receiver:events', KEEP_SECONDS);
    }
    return { accepted: true, duplicate: !fresh };
  }

  @Get('events')
  async list(): Promise<{ items: unknown[] }> {
    const raw = await this.redis.lrange('portal-receiver:events', -200, -1);
    return { items: raw.map((r) => JSON.parse(r)) };
  }
}
