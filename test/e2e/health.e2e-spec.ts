import { bearer, login, makeUser } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

describe('health and documentation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('GET /health/live answers without a token', async () => {
    const res = await t.http.get('/health/live').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /health/ready checks PostgreSQL and Redis', async () => {
    const res = await t.http.get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.checks.postgres.status).toBe('up');
    expect(res.body.checks.redis.status).toBe('up');
  });

  it('serves the OpenAPI document and UI', async () => {
    const doc = await t.http.get('/api/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/me', '/api/v1/admin/users']));
    const ui = await t.http.get('/api/docs').expect(200);
    expect(ui.text).toContain('swagger');
  });

  it('echoes a request id and sets security headers', async () => {
    const res = await t.http.get('/health/live').set('X-Request-Id', 'req-12345678').expect(200);
    expect(res.headers['x-request-id']).toBe('req-12345678');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('answers an unknown route with the standard error body', async () => {
    const res = await t.http.get('/api/v1/no-such-thing').set('X-Request-Id', 'req-abcdefgh');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, code: 'ROUTE_NOT_FOUND', message: 'Такого адреса нет', requestId: 'req-abcdefgh' });
  });

  it('GET /api/v1/ping answers who the token belongs to', async () => {
    const user = await makeUser(t.db);
    const { accessToken } = await login(t, user);
    expect((await t.http.get('/api/v1/ping').set(bearer(accessToken)).expect(200)).body).toEqual({ ok: true, userId: user.id });
    expect((await t.http.get('/api/v1/ping')).status).toBe(401);
  });
});
