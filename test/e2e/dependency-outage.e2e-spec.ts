import { Logger } from '@nestjs/common';
import { ChildProcess } from 'node:child_process';
import { Role } from '../../src/common/auth/role';
import { bearer, login, makeSchool, makeUser, waitFor } from '../factories';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';
import { startRedis, stopRedis } from '../utils/private-redis';
import { TcpProxy } from '../utils/tcp-proxy';
import { TEST_PG_BASE } from '../utils/test-db';

jest.setTimeout(120_000);

interface Line {
  level: 'error' | 'warn' | 'log';
  context: string | undefined;
  message: string;
}

/**
 * A dependency that is down is 503 SERVICE_UNAVAILABLE with Retry-After, never a 500: PostgreSQL
 * reached through a TCP proxy this test cuts (refused connections, then a server that accepts and
 * never answers), and a private Redis it stops. The app recovers without a restart, and the log has
 * one line when an outage starts and one when it ends, however many requests failed in between.
 */
describe('dependencies down → 503, not 500', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let redisPort: number;
  let redis: ChildProcess;
  let token: string;
  const lines: Line[] = [];
  const of = (context: string, level?: Line['level']) => lines.filter((l) => l.context === context && (!level || l.level === level));

  beforeAll(async () => {
    const pg = new URL(TEST_PG_BASE);
    proxy = new TcpProxy(await freePort(), { host: pg.hostname, port: Number(pg.port || 5432) });
    await proxy.start();
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    t = await createTestApp(
      { REDIS_URL: `redis://127.0.0.1:${redisPort}`, DB_CONNECT_TIMEOUT_MS: '500', DB_POOL_SIZE: '2' },
      { databasePort: proxy.port },
    );
    const teacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: (await makeSchool(t.db)).id });
    token = (await login(t, teacher)).accessToken;
    for (const level of ['error', 'warn', 'log'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, ...args: unknown[]) {
        lines.push({
          level,
          context: (this as unknown as { context?: string }).context,
          message: String(typeof args[0] === 'string' ? args[0] : args[1]),
        });
      });
    }
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await proxy.restore();
    if (redis.exitCode !== null) redis = await startRedis(redisPort);
    await t?.close();
    await proxy.stop();
    await stopRedis(redis);
  });

  const me = () => t.http.get('/api/v1/me').set(bearer(token));

  function expectUnavailable(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }): void {
    expect(res.status).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toEqual({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: expect.any(String), requestId: expect.any(String) });
  }

  it.each(['refuse', 'blackhole'] as const)(
    'PostgreSQL %s: data routes answer 503 with Retry-After, one log line per outage, 200 again after restore',
    async (how) => {
      await me().expect(200);
      lines.length = 0;

      await proxy.cut(how);
      for (let i = 0; i < 5; i++) expectUnavailable(await me());
      expect(of('Dependencies', 'error')).toHaveLength(1);
      expect(of('Dependencies', 'error')[0].message).toMatch(/PostgreSQL is unavailable/);
      expect(of('Errors')).toEqual([]); // no "Unhandled error" with a stack per request

      await proxy.restore();
      await waitFor(async () => (await me()).status === 200, 'the data route to answer 200 again');
      await waitFor(async () => of('Dependencies', 'log').length > 0, 'the recovery line');
      expect(of('Dependencies', 'log')).toEqual([
        expect.objectContaining({ message: expect.stringMatching(/PostgreSQL is available again/) }),
      ]);
      expect(of('Dependencies', 'error')).toHaveLength(1);
    },
  );

  it('Redis down: a route that needs it answers 503 with Retry-After, and works again once Redis is back', async () => {
    const exchange = () => t.http.post('/api/v1/auth/esia/exchange').send({ ticket: 'A'.repeat(43) });
    expect((await exchange()).body.code).toBe('ESIA_STATE_INVALID');
    lines.length = 0;

    await stopRedis(redis);
    for (let i = 0; i < 3; i++) expectUnavailable(await exchange());
    expect(of('Dependencies', 'error')).toHaveLength(1);
    expect(of('Dependencies', 'error')[0].message).toMatch(/Redis is unavailable/);
    expect(of('Errors')).toEqual([]);

    redis = await startRedis(redisPort);
    await waitFor(async () => (await exchange()).status === 400, 'the route to answer again');
    await waitFor(async () => of('Dependencies', 'log').length > 0, 'the recovery line');
    expect(of('Dependencies', 'error')).toHaveLength(1);
  });
});
