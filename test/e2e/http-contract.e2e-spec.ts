import { get } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Role } from '../../src/common/auth/role';
import { bearer, login, makeSchool, makeUser } from '../factories';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';

const APP_ORIGIN = 'https://diary-frontend.example';

/** A GET with node's own client, which (unlike supertest) leaves the body as it came over the wire. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('HTTP contract: CORS, compression, exports', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ PORT: String(await freePort()), CORS_ORIGINS: `${APP_ORIGIN}, https://m.example/` }, { listen: true });
  });
  afterAll(() => t.close());

  it('answers a preflight from an allowed origin with the methods and headers a client needs, and no credentials', async () => {
    const res = await t.http
      .options('/api/v1/grades')
      .set('Origin', APP_ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type, idempotency-key');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(res.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers.vary).toMatch(/Origin/);
    // the second origin of the list, given with a trailing slash in the variable
    const m = await t.http.options('/api/v1/me').set('Origin', 'https://m.example').set('Access-Control-Request-Method', 'GET');
    expect(m.headers['access-control-allow-origin']).toBe('https://m.example');
  });

  it('gives an origin that is not on the list no CORS headers at all', async () => {
    const pre = await t.http.options('/api/v1/me').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers['access-control-allow-methods']).toBeUndefined();
    const real = await t.http.get('/api/v1/ping').set('Origin', 'https://evil.example');
    expect(real.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets an allowed origin read the answer and the headers it needs, errors included', async () => {
    const res = await t.http.get('/api/v1/me').set('Origin', APP_ORIGIN);
    expect(res.status).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(res.headers['access-control-expose-headers']).toMatch(/Retry-After/);
  });

  it('compresses large JSON with gzip or br, as the client asks, and leaves small answers alone', async () => {
    const docs = `${t.baseUrl}/api/docs-json`;
    const plain = await rawGet(docs, { 'Accept-Encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();

    for (const [enc, inflate] of [
      ['gzip', gunzipSync],
      ['br', brotliDecompressSync],
    ] as const) {
      const res = await rawGet(docs, { 'Accept-Encoding': enc });
      expect(res.headers['content-encoding']).toBe(enc);
      expect(res.body.length).toBeLessThan(plain.body.length / 4);
      expect(inflate(res.body).equals(plain.body)).toBe(true);
    }
    const small = await rawGet(`${t.baseUrl}/health/live`, { 'Accept-Encoding': 'gzip' });
    expect(small.body.length).toBeLessThan(1024);
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('never compresses the Server-Sent Events stream', async () => {
    const user = await makeUser(t.db, { roles: [Role.Parent] });
    const { accessToken } = await login(t, user);
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = get(
        `${t.baseUrl}/api/v1/events/stream`,
        { headers: { ...bearer(accessToken), 'Accept-Encoding': 'gzip, br' } },
        (res) => {
          resolve(res.headers);
          req.destroy();
        },
      );
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    });
    expect(headers['content-type']).toMatch(/^text\/event-stream/);
    expect(headers['content-encoding']).toBeUndefined();
  });

  it('documents Last-Event-ID as an optional header of the stream, once', async () => {
    const doc = (await t.http.get('/api/docs-json')).body;
    const params = (doc.paths['/api/v1/events/stream'].get.parameters as Array<{ in: string; name: string; required?: boolean }>).filter(
      (p) => p.in === 'header',
    );
    expect(params).toEqual([expect.objectContaining({ name: 'Last-Event-ID', required: false })]);
  });

  it("exports the admin login history as CSV with the user column, scoped to the admin's school", async () => {
    const school = await makeSchool(t.db);
    const admin = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: school.id });
    const pupil = await makeUser(t.db, { roles: [Role.Student], schoolId: school.id });
    const stranger = await makeUser(t.db, { roles: [Role.Student], schoolId: (await makeSchool(t.db)).id });
    await login(t, pupil);
    await login(t, stranger);
    const { accessToken } = await login(t, admin);
    const res = await t.http.get('/api/v1/admin/login-history?format=csv').set(bearer(accessToken)).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('login-history.csv');
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Пользователь (id);Дата и время (UTC);IP-адрес;Устройство;Способ входа;Результат;Причина');
    const users = new Set(lines.slice(1).map((l) => l.split(';')[0]));
    expect(users).toEqual(new Set([pupil.id, admin.id]));
  });
});
