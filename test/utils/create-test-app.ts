import 'reflect-metadata';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { configureApp } from '../../src/core/http/configure-app';
import { observeErrorContract } from './contract-observer';
import { createTestDatabase, databaseUrl, dropTestDatabase } from './test-db';

export interface TestApp {
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  db: DataSource;
  config: AppConfig;
  redis: Redis;
  /** `http://127.0.0.1:<PORT>` when started with `{ listen: true }`. */
  baseUrl?: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Listen on 127.0.0.1:PORT (take PORT from env, e.g. from freePort()) for real HTTP clients. */
  listen?: boolean;
  /** Use this (test) database instead of a fresh clone; close() leaves it to the caller. */
  database?: string;
  /** Use this Redis key prefix instead of a fresh one; close() leaves its keys to the caller. */
  redisPrefix?: string;
  /** Reach the test database through another port (a TCP proxy the test can cut). */
  databasePort?: number;
}

/** A TCP port that was free a moment ago (for `{ listen: true }` apps). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Environment every test app starts from; a test passes overrides for what it checks. */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  APP_ROLE: 'api',
  JWT_SECRET: 'test-only-jwt-secret-0123456789abcdef0123456789',
  DATA_ENCRYPTION_KEY: '0f'.repeat(32), // TEST KEY, not for real data
  PASSWORD_HASH_ROUNDS: '4',
  DB_POOL_SIZE: '4',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  // every test signs in many times from 127.0.0.1: limits out of the way (test/e2e/rate-limits sets strict ones)
  LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
  ESIA_RATE_LIMIT_PER_MINUTE: '100000',
  TOKEN_RATE_LIMIT_PER_MINUTE: '100000',
  PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
};

/**
 * The whole application in-process, configured exactly as main.ts does, on its own fresh
 * PostgreSQL database and its own Redis key prefix.
 */
export async function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const dbName = options.database ?? (await createTestDatabase());
  const prefix = options.redisPrefix ?? `test-${randomBytes(5).toString('hex')}`;
  const dbUrl = new URL(databaseUrl(dbName));
  if (options.databasePort) dbUrl.port = String(options.databasePort);
  const config = loadConfig({ ...TEST_ENV, DATABASE_URL: dbUrl.toString(), REDIS_PREFIX: prefix, ...env });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true });
  const contract = observeErrorContract(app);
  configureApp(app, config);
  if (options.listen) await app.listen(config.port, '127.0.0.1');
  else await app.init();
  const redis = new Redis(config.redisUrl);
  const server = app.getHttpServer();
  return {
    app,
    http: request(server),
    db: app.get<DataSource>(getDataSourceToken()),
    config,
    redis,
    baseUrl: options.listen ? `http://127.0.0.1:${config.port}` : undefined,
    async close() {
      let broken: unknown;
      try {
        contract.check();
      } catch (e) {
        broken = e;
      }
      await app.close();
      if (!options.redisPrefix) {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
      }
      await redis.quit();
      if (!options.database) await dropTestDatabase(dbName);
      if (broken) throw broken;
    },
  };
}
