import { ChildProcess } from 'node:child_process';
import { Role } from '../../src/common/auth/role';
import { bearer, login, makeSchool, makeUser, waitFor } from '../factories';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';
import { startRedis, stopRedis } from '../utils/private-redis';

jest.setTimeout(120_000);

describe('a Redis outage neither locks people out nor lets ended sessions in', () => {
  let t: TestApp;
  let port: number;
  let redis: ChildProcess;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    if (redis.exitCode !== null) redis = await startRedis(port);
    await t?.close();
    await stopRedis(redis);
  });

  it('accepts valid access tokens and password sign-in while Redis is down, and revocation works again after', async () => {
    const u = await makeUser(t.db, { roles: [Role.Teacher], schoolId: (await makeSchool(t.db)).id });
    const tokens = await login(t, u);

    await stopRedis(redis);
    const started = Date.now();
    await t.http.get('/api/v1/me').set(bearer(tokens.accessToken)).expect(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    const again = await t.http.post('/api/v1/auth/login').send({ login: u.login, password: u.password });
    expect(again.status).toBe(200);
    const [{ n }] = await t.db.query("SELECT count(*)::int AS n FROM login_attempts WHERE user_id = $1 AND outcome = 'success'", [u.id]);
    expect(n).toBe(2);

    redis = await startRedis(port);
    await t.http.post('/api/v1/auth/logout').send({ refreshToken: tokens.refreshToken }).expect(204);
    const after = await t.http.get('/api/v1/me').set(bearer(tokens.accessToken));
    expect(after.status).toBe(401);
  });

  it('does not fail open either: while Redis is down sessions are checked in PostgreSQL, so a block ends them at once, and after Redis is back too', async () => {
    const schoolId = (await makeSchool(t.db)).id;
    const admin = await login(t, await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId }));
    const u = await makeUser(t.db, { roles: [Role.Teacher], schoolId });
    const tokens = await login(t, u);

    await stopRedis(redis);
    await t.http.patch(`/api/v1/admin/users/${u.id}`).set(bearer(admin.accessToken)).send({ status: 'blocked' }).expect(200);
    const during = await t.http.get('/api/v1/me').set(bearer(tokens.accessToken));
    expect({ status: during.status, code: during.body.code }).toEqual({ status: 401, code: 'SESSION_REVOKED' });
    await t.http.get('/api/v1/me').set(bearer(admin.accessToken)).expect(200);

    // Redis comes back empty: the version published during the outage is retried until it lands.
    redis = await startRedis(port);
    const after = await t.http.get('/api/v1/me').set(bearer(tokens.accessToken));
    expect(after.body.code).toBe('SESSION_REVOKED');
    const direct = new (await import('ioredis')).default(port, '127.0.0.1');
    try {
      await waitFor(async () => (await direct.get(`${t.config.redisPrefix}:authz:${u.id}`)) !== null, 'the retried authz version', 20_000);
    } finally {
      direct.disconnect();
    }
    expect((await t.http.get('/api/v1/me').set(bearer(tokens.accessToken))).body.code).toBe('SESSION_REVOKED');
    await t.http.get('/api/v1/me').set(bearer(admin.accessToken)).expect(200);
  });
});
