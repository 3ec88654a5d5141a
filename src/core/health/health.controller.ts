import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

const CHECK_SCHEMA = {
  type: 'object',
  required: ['status', 'latencyMs'],
  properties: { status: { type: 'string', enum: ['up', 'down'] }, latencyMs: { type: 'integer' }, error: { type: 'string' } },
};
const READINESS_SCHEMA = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok', 'fail'] },
    checks: { type: 'object', properties: { postgres: CHECK_SCHEMA, redis: CHECK_SCHEMA } },
  },
};
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../../common/decorators/public.decorator';
import { NoRateLimit, RateLimit } from '../../common/decorators/rate-limit.decorator';
import { withTimeout } from '../../common/with-timeout';
import { REDIS } from '../redis/redis.module';

type Check = { status: 'up' | 'down'; latencyMs: number; error?: string };

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @NoRateLimit('no I/O at all; the orchestrator probes it and must never get a 429')
  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'The process is running' })
  @ApiOkResponse({ schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  // one query and one PING per call: the generous public limit stops floods, a probe every few seconds never gets near it
  @RateLimit('public')
  @Get('ready')
  @ApiOperation({ summary: 'PostgreSQL and Redis answer (503 otherwise)' })
  @ApiOkResponse({ schema: READINESS_SCHEMA })
  @ApiResponse({ status: 503, description: 'PostgreSQL or Redis does not answer: the same body, status "fail"', schema: READINESS_SCHEMA })
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: 'ok' | 'fail'; checks: Record<string, Check> }> {
    const [postgres, redis] = await Promise.all([this.check(() => this.db.query('SELECT 1')), this.check(() => this.redis.ping())]);
    const ok = postgres.status === 'up' && redis.status === 'up';
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'fail', checks: { postgres, redis } };
  }

  private async check(fn: () => Promise<unknown>): Promise<Check> {
    const start = process.hrtime.bigint();
    const ms = (): number => Number((process.hrtime.bigint() - start) / 1_000_000n);
    try {
      await withTimeout(fn(), 2000);
      return { status: 'up', latencyMs: ms() };
    } catch (e) {
      return { status: 'down', latencyMs: ms(), error: (e as Error).message };
    }
  }
}
