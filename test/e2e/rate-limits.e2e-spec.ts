/**
 * Per-address rate limits on every public route (docs/security.md "Rate limits"), counted in the real
 * Redis, and the bounds on "Войти через Госуслуги": pending OAuth states and concurrent GOST signatures.
 */
import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'supertest';
import { IS_PUBLIC } from '../../src/common/decorators/public.decorator';
import { RateLimitGuard } from '../../src/core/rate-limit/rate-limit.guard';
import { makeSchool, makeUser, startPeerApp } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { walkRoutes } from '../utils/routes';

/** Every public route and its class; `exempt` routes are not limited (docs/security.md says why). */
const PUBLIC_ROUTE_LIMITS: Record<string, string> = {
  'GET /health/live': 'exempt',
  'GET /health/ready': 'public',
  'POST /api/v1/auth/login': 'signIn',
  'POST /api/v1/auth/login/mfa': 'signIn',
  'POST /api/v1/auth/login/mfa/enrol': 'signIn',
  'POST /api/v1/auth/login/mfa/enrol/confirm': 'signIn',
  'POST /api/v1/auth/refresh': 'token',
  'POST /api/v1/auth/logout': 'token',
  'GET /api/v1/auth/esia/regions': 'public',
  'GET /api/v1/auth/esia/login': 'esia',
  'GET /api/v1/auth/esia/callback': 'esia',
  'POST /api/v1/auth/esia/exchange': 'token',
  'POST /api/v1/auth/esia/link': 'signIn',
  'GET /': 'exempt',
  'GET /web/app.js': 'exempt',
  'GET /web/diary-client.js': 'exempt',
  'GET /web/app.css': 'exempt',
};

/** The answer of a limited route: 429, Retry-After = details.retryAfterSec (seconds until the window frees), the error body. */
function expectLimited(res: Response, code: string): void {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.body).toEqual({
    statusCode: 429,
    code,
    message: expect.stringMatching(/[А-Яа-я]/),
    details: { retryAfterSec: retryAfter },
    requestId: expect.any(String),
  });
}

/** Keys under the app's Redis prefix matching `pattern` (e.g. `esia:state:*`). */
const keys = (t: TestApp, pattern: string): Promise<string[]> => t.redis.keys(`${t.config.redisPrefix}:${pattern}`);

const STRICT = {
  LOGIN_RATE_LIMIT_PER_MINUTE: '3',
  ESIA_RATE_LIMIT_PER_MINUTE: '4',
  TOKEN_RATE_LIMIT_PER_MINUTE: '5',
  PUBLIC_RATE_LIMIT_PER_MINUTE: '6',
};

describe('rate limits per route class', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(STRICT);
  });
  afterAll(() => t.close());

  it('every public route has a reviewed class or exemption; guarded routes are not limited', () => {
    const guard = new RateLimitGuard([] as never, null as never, t.app.get(Reflector), t.config);
    const classOf = (handler: object, controller: object): string => {
      const rule = guard.rule({
        getHandler: () => handler,
        getClass: () => controller,
        getType: () => 'http',
      } as unknown as ExecutionContext);
      return rule ? rule.class : 'exempt';
    };
    const reflector = t.app.get(Reflector);
    const found: Record<string, string> = {};
    const limitedGuarded: string[] = [];
    for (const r of walkRoutes(t)) {
      const isPublic = reflector.getAllAndOverride<boolean>(IS_PUBLIC, [r.handler as never, r.controller as never]);
      const cls = classOf(r.handler, r.controller);
      if (r.path.startsWith('/esia-emulator'))
        expect(`${r.method} ${r.path} ${cls}`).toBe(`${r.method} ${r.path} exempt`); // dev/test only
      else if (isPublic) found[`${r.method} ${r.path}`] = cls;
      else if (cls !== 'exempt') limitedGuarded.push(`${r.method} ${r.path}`);
    }
    expect(found).toEqual(PUBLIC_ROUTE_LIMITS);
    expect(limitedGuarded).toEqual([]);
  });

  it('sign-in: login, the ESIA link form and the second factor share one bucket and answer 429 TOO_MANY_LOGIN_ATTEMPTS before any password is checked', async () => {
    for (let i = 0; i < 2; i++) await t.http.post('/api/v1/auth/login').send({ login: 'x.y.z', password: 'whatever-1' }).expect(401);
    await t.http
      .post('/api/v1/auth/esia/link')
      .send({ linkTicket: 'x'.repeat(43), login: 'x.y.z', password: 'whatever-1' })
      .expect(400);
    expectLimited(
      await t.http.post('/api/v1/auth/esia/link').send({ linkTicket: 'x'.repeat(43), login: 'x.y.z', password: 'whatever-1' }),
      'TOO_MANY_LOGIN_ATTEMPTS',
    );
    expectLimited(await t.http.post('/api/v1/auth/login').send({ login: 'x.y.z', password: 'whatever-1' }), 'TOO_MANY_LOGIN_ATTEMPTS');
    expectLimited(
      await t.http.post('/api/v1/auth/login/mfa').send({ challenge: 'x'.repeat(43), code: '123456' }),
      'TOO_MANY_LOGIN_ATTEMPTS',
    );
    const [{ n }] = await t.db.query("SELECT count(*)::int AS n FROM login_attempts WHERE reason = 'unknown_login'");
    expect(n).toBe(2);
  });

  it('ESIA flow: the start and the callback share one bucket; over it 429 TOO_MANY_REQUESTS, not a redirect', async () => {
    for (let i = 0; i < 3; i++) await t.http.get('/api/v1/auth/esia/login').expect(302);
    await t.http.get('/api/v1/auth/esia/callback?code=x&state=6f1c1d8e-3a52-4c7e-9d54-0a7b1c2d3e4f').expect(302);
    expectLimited(await t.http.get('/api/v1/auth/esia/login'), 'TOO_MANY_REQUESTS');
    expectLimited(await t.http.get('/api/v1/auth/esia/callback?code=x&state=6f1c1d8e-3a52-4c7e-9d54-0a7b1c2d3e4f'), 'TOO_MANY_REQUESTS');
    expect(await keys(t, 'esia:state:*')).toHaveLength(3); // the refused starts stored nothing
  });

  it('tokens: refresh, logout and the ticket exchange share one bucket', async () => {
    for (let i = 0; i < 3; i++) await t.http.post('/api/v1/auth/refresh').send({ refreshToken: 'a.b' }).expect(401);
    await t.http.post('/api/v1/auth/logout').send({ refreshToken: 'a.b' }).expect(204);
    await t.http
      .post('/api/v1/auth/esia/exchange')
      .send({ ticket: 'x'.repeat(43) })
      .expect(400);
    expectLimited(await t.http.post('/api/v1/auth/refresh').send({ refreshToken: 'a.b' }), 'TOO_MANY_REQUESTS');
    expectLimited(await t.http.post('/api/v1/auth/logout').send({ refreshToken: 'a.b' }), 'TOO_MANY_REQUESTS');
    expectLimited(await t.http.post('/api/v1/auth/esia/exchange').send({ ticket: 'x'.repeat(43) }), 'TOO_MANY_REQUESTS');
  });

  it('other public routes: the region list and the readiness check; X-Forwarded-For is ignored without TRUST_PROXY', async () => {
    for (let i = 0; i < 5; i++) await t.http.get('/api/v1/auth/esia/regions').expect(200);
    await t.http.get('/health/ready').expect(200);
    expectLimited(await t.http.get('/api/v1/auth/esia/regions'), 'TOO_MANY_REQUESTS');
    expectLimited(await t.http.get('/health/ready'), 'TOO_MANY_REQUESTS');
    expectLimited(await t.http.get('/api/v1/auth/esia/regions').set('X-Forwarded-For', '198.51.100.77'), 'TOO_MANY_REQUESTS');
    // exempt: liveness and the web client's files
    for (let i = 0; i < 20; i++) {
      await t.http.get('/health/live').expect(200);
      await t.http.get('/web/app.js').expect(200);
    }
    // a window per class and address, nothing else
    expect((await keys(t, 'rl:*')).sort()).toEqual(
      ['esia', 'public', 'signIn', 'token'].map((c) => `${t.config.redisPrefix}:rl:${c}:127.0.0.1`),
    );
  });
});

describe('rate limits behind a proxy (TRUST_PROXY=1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ ...STRICT, PUBLIC_RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '1' });
  });
  afterAll(() => t.close());

  it('counts the address our proxy saw (the last X-Forwarded-For entry), whatever the client wrote before it', async () => {
    const via = (xff: string) => t.http.get('/api/v1/auth/esia/regions').set('X-Forwarded-For', xff);
    await via('10.9.9.1, 203.0.113.7').expect(200);
    await via('10.9.9.2, 203.0.113.7').expect(200);
    expectLimited(await via('10.9.9.3, 203.0.113.7'), 'TOO_MANY_REQUESTS');
    expectLimited(await via('203.0.113.7'), 'TOO_MANY_REQUESTS');
    await via('203.0.113.8').expect(200); // another client behind the same proxy
    expect((await keys(t, 'rl:*')).sort()).toEqual([
      `${t.config.redisPrefix}:rl:public:203.0.113.7`,
      `${t.config.redisPrefix}:rl:public:203.0.113.8`,
    ]);
  });
});

describe('two API instances on one Redis', () => {
  let t: TestApp;
  let peer: Awaited<ReturnType<typeof startPeerApp>>;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '4' });
    peer = await startPeerApp(t, { LOGIN_RATE_LIMIT_PER_MINUTE: '4' });
  });
  afterAll(async () => {
    await peer?.close();
    await t.close();
  });

  it('share one limit: four tries spread over both, the fifth is refused by either', async () => {
    const user = await makeUser(t.db, { schoolId: (await makeSchool(t.db)).id });
    const { default: request } = await import('supertest');
    const other = request(peer.app.getHttpServer());
    const attempt = (http: typeof other) => http.post('/api/v1/auth/login').send({ login: user.login, password: 'wrong-password' });
    for (const http of [t.http, other, t.http, other]) expect((await attempt(http)).status).toBe(401);
    expectLimited(await attempt(t.http), 'TOO_MANY_LOGIN_ATTEMPTS');
    expectLimited(await attempt(other), 'TOO_MANY_LOGIN_ATTEMPTS');
  });
});

describe('"Войти через Госуслуги" under a burst', () => {
  let t: TestApp;
  afterEach(() => t.close());

  it('keeps at most ESIA_PENDING_STATES_MAX states: the rest get 503 ESIA_UNAVAILABLE with Retry-After; a used state frees its place', async () => {
    t = await createTestApp({ ESIA_PENDING_STATES_MAX: '10' });
    const answers = await Promise.all(Array.from({ length: 40 }, () => t.http.get('/api/v1/auth/esia/login')));
    const started = answers.filter((r) => r.status === 302);
    const refused = answers.filter((r) => r.status !== 302);
    expect(started).toHaveLength(10);
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(r.body).toMatchObject({ statusCode: 503, code: 'ESIA_UNAVAILABLE', details: { reason: 'pending_states_full' } });
    }
    expect(await keys(t, 'esia:*')).toHaveLength(11); // ten states and the set that counts them
    expect(await t.redis.zcard(`${t.config.redisPrefix}:esia:states`)).toBe(10);

    // a callback takes its state (here refused: no cookie), and a new start fits again
    const state = new URL(started[0].headers.location).searchParams.get('state')!;
    const cb = await t.http.get(`/api/v1/auth/esia/callback?code=x&state=${state}`).expect(302);
    expect(cb.headers.location).toContain('error=ESIA_STATE_INVALID');
    await t.http.get('/api/v1/auth/esia/login').expect(302);
    expect((await t.http.get('/api/v1/auth/esia/login')).status).toBe(503);
    expect(await keys(t, 'esia:state:*')).toHaveLength(10);
  });

  it('a busy signer answers 503 ESIA_UNAVAILABLE (signer_busy) with Retry-After and leaves no state behind', async () => {
    t = await createTestApp({ ESIA_SIGNER_CONCURRENCY: '1', ESIA_SIGNER_QUEUE_MS: '1' });
    const answers = await Promise.all(Array.from({ length: 30 }, () => t.http.get('/api/v1/auth/esia/login')));
    const started = answers.filter((r) => r.status === 302);
    const refused = answers.filter((r) => r.status !== 302);
    expect(started.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.body).toMatchObject({ code: 'ESIA_UNAVAILABLE', details: { reason: 'signer_busy' } });
    }
    expect(await keys(t, 'esia:state:*')).toHaveLength(started.length);
    expect(await t.redis.zcard(`${t.config.redisPrefix}:esia:states`)).toBe(started.length);
  });
});
