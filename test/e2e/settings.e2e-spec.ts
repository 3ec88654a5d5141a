/**
 * Region sign-in settings: who may read and change them, validation, the public list of regions with
 * ESIA, and the admin "test connection" (against the emulator, and against an ESIA that does not answer).
 */
import { Role } from '../../src/common/auth/role';
import { bearer, login, makeRegion, makeSchool, makeUser, setAuthSettings } from '../factories';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';

describe('region sign-in settings (e2e)', () => {
  let t: TestApp;
  let regionId: string;
  let otherRegionId: string;
  let regionAdmin: { accessToken: string };
  let otherRegionAdmin: { accessToken: string };
  let platformAdmin: { accessToken: string };
  let schoolAdmin: { accessToken: string };

  beforeAll(async () => {
    const port = await freePort();
    t = await createTestApp({ PORT: String(port) }, { listen: true });
    regionId = (await makeRegion(t.db, { name: 'Республика Тыва' })).id;
    otherRegionId = (await makeRegion(t.db)).id;
    const school = await makeSchool(t.db, { regionId });
    [regionAdmin, otherRegionAdmin, platformAdmin, schoolAdmin] = await Promise.all([
      login(t, await makeUser(t.db, { roles: [Role.RegionAdmin], regionId })),
      login(t, await makeUser(t.db, { roles: [Role.RegionAdmin], regionId: otherRegionId })),
      login(t, await makeUser(t.db, { roles: [Role.PlatformAdmin] })),
      login(t, await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: school.id })),
    ]);
  });
  afterAll(() => t.close());

  const url = (id = regionId) => `/api/v1/admin/regions/${id}/auth-settings`;
  const valid = {
    esiaEnabled: true,
    transitionStartsAt: '2026-09-01T00:00:00+03:00',
    transitionEndsAt: '2026-12-31T00:00:00+03:00',
    staffPasswordLogin: true,
  };

  it('a region without settings reads as ESIA off', async () => {
    const res = await t.http.get(url()).set(bearer(regionAdmin.accessToken)).expect(200);
    expect(res.body).toEqual({
      regionId,
      esiaEnabled: false,
      transitionStartsAt: null,
      transitionEndsAt: null,
      staffPasswordLogin: false,
      adminMfaRequired: false,
      phase: 'esia_off',
      updatedAt: null,
    });
  });

  it('the region admin sets them; they read back in UTC with the current phase', async () => {
    const res = await t.http.put(url()).set(bearer(regionAdmin.accessToken)).send(valid).expect(200);
    expect(res.body).toMatchObject({
      regionId,
      esiaEnabled: true,
      transitionStartsAt: '2026-08-31T21:00:00.000Z',
      transitionEndsAt: '2026-12-30T21:00:00.000Z',
      staffPasswordLogin: true,
      updatedAt: expect.any(String),
    });
    expect(['before_transition', 'transition', 'esia_only']).toContain(res.body.phase);
    const again = await t.http
      .put(url())
      .set(bearer(regionAdmin.accessToken))
      .send({ ...valid, transitionStartsAt: null, transitionEndsAt: null, staffPasswordLogin: false })
      .expect(200);
    expect(again.body).toMatchObject({ transitionStartsAt: null, transitionEndsAt: null, staffPasswordLogin: false, phase: 'transition' });
    const [row] = await t.db.query('SELECT updated_by FROM region_auth_settings WHERE region_id = $1', [regionId]);
    expect(row.updated_by).toEqual(expect.any(String));
  });

  it('platform admin: any region; other region admins and unknown ids: 404; school admins: 403', async () => {
    await t.http.put(url(otherRegionId)).set(bearer(platformAdmin.accessToken)).send(valid).expect(200);
    const foreign = await t.http.get(url(otherRegionId)).set(bearer(regionAdmin.accessToken));
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('REGION_NOT_FOUND');
    expect((await t.http.put(url()).set(bearer(otherRegionAdmin.accessToken)).send(valid)).status).toBe(404);
    expect((await t.http.get(url('00000000-0000-4000-8000-000000000000')).set(bearer(platformAdmin.accessToken))).status).toBe(404);
    expect((await t.http.get(url('not-a-uuid')).set(bearer(platformAdmin.accessToken))).status).toBe(404);
    expect((await t.http.get(url()).set(bearer(schoolAdmin.accessToken))).status).toBe(403);
    expect((await t.http.put(url())).status).toBe(401);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'the end before the start',
      { ...valid, transitionStartsAt: '2026-12-31T00:00:00Z', transitionEndsAt: '2026-09-01T00:00:00Z' },
      'transitionEndsAt',
    ],
    [
      'the end equal to the start',
      { ...valid, transitionStartsAt: '2026-09-01T00:00:00Z', transitionEndsAt: '2026-09-01T03:00:00+03:00' },
      'transitionEndsAt',
    ],
    ['a date without an offset', { ...valid, transitionStartsAt: '2026-09-01T00:00:00' }, 'transitionStartsAt'],
    ['an impossible date', { ...valid, transitionEndsAt: '2026-13-45T00:00:00Z' }, 'transitionEndsAt'],
    ['a missing field', { esiaEnabled: true, transitionStartsAt: null, transitionEndsAt: null }, 'staffPasswordLogin'],
    ['a string for a boolean', { ...valid, esiaEnabled: 'yes' }, 'esiaEnabled'],
    ['an unknown field', { ...valid, passwordLogin: false }, 'passwordLogin'],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_name, body, field) => {
    const res = await t.http.put(url()).set(bearer(regionAdmin.accessToken)).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]));
  });

  it('the public list shows regions where ESIA works now (transition or ESIA only), paginated, without a token', async () => {
    const started = await makeRegion(t.db, { name: 'Аа регион, переходный период' });
    const over = await makeRegion(t.db, { name: 'Аб регион, только Госуслуги' });
    const future = await makeRegion(t.db, { name: 'Ав регион, ещё не начался' });
    const off = await makeRegion(t.db, { name: 'Аг регион, выключен' });
    await setAuthSettings(t.db, started.id, {
      transitionStartsAt: new Date(Date.now() - 86_400_000),
      transitionEndsAt: new Date(Date.now() + 86_400_000),
    });
    await setAuthSettings(t.db, over.id, { transitionEndsAt: new Date(Date.now() - 86_400_000) });
    await setAuthSettings(t.db, future.id, { transitionStartsAt: new Date(Date.now() + 86_400_000) });
    await setAuthSettings(t.db, off.id, { esiaEnabled: false });

    const res = await t.http.get('/api/v1/auth/esia/regions?limit=200').expect(200);
    const ids = res.body.items.map((r: { id: string }) => r.id);
    expect(ids).toEqual(expect.arrayContaining([started.id, over.id]));
    expect(ids).not.toContain(future.id);
    expect(ids).not.toContain(off.id);
    expect(res.body.items.find((r: { id: string }) => r.id === started.id)).toEqual({
      id: started.id,
      code: expect.any(String),
      name: 'Аа регион, переходный период',
      phase: 'transition',
      passwordLoginOpen: true,
      transitionEndsAt: expect.any(String),
    });
    expect(res.body.items.find((r: { id: string }) => r.id === over.id)).toMatchObject({ phase: 'esia_only', passwordLoginOpen: false });
    const page = await t.http.get('/api/v1/auth/esia/regions?limit=1&offset=1').expect(200);
    expect(page.body).toMatchObject({ total: res.body.total, limit: 1, offset: 1, items: [res.body.items[1]] });
    expect((await t.http.get('/api/v1/auth/esia/regions?limit=1000')).status).toBe(400);
  });

  it('test connection: every step passes against the emulator; school admins may not run it', async () => {
    const res = await t.http.post('/api/v1/admin/esia/test-connection').set(bearer(regionAdmin.accessToken)).expect(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.failedStep).toBeNull();
    expect(res.body.steps.map((s: { step: string }) => s.step)).toEqual([
      'config',
      'issuer',
      'signer',
      'trusted_certificates',
      'authorization_endpoint',
      'token_endpoint',
      'recent_tokens',
    ]);
    expect((await t.http.post('/api/v1/admin/esia/test-connection').set(bearer(schoolAdmin.accessToken))).status).toBe(403);
  });

  it('test connection: says which step failed when ESIA does not answer', async () => {
    const dead = await freePort(); // nothing listens there
    const broken = await createTestApp({ ESIA_BASE_URL: `http://127.0.0.1:${dead}/esia`, ESIA_TIMEOUT_MS: '2000' });
    try {
      const admin = await makeUser(broken.db, { roles: [Role.PlatformAdmin] });
      const res = await broken.http
        .post('/api/v1/admin/esia/test-connection')
        .set(bearer((await login(broken, admin)).accessToken))
        .expect(200);
      expect(res.body).toMatchObject({ ok: false, failedStep: 'authorization_endpoint' });
      expect(res.body.steps.find((s: { step: string }) => s.step === 'signer').ok).toBe(true);
      expect(res.body.steps.find((s: { step: string }) => s.step === 'token_endpoint').ok).toBe(false);
      expect(res.body.steps.find((s: { step: string }) => s.step === 'authorization_endpoint').detail).toMatch(/ЕСИА/);
    } finally {
      await broken.close();
    }
  });

  it('every settings, ESIA sign-in and linking route is in the OpenAPI document with a tag, a summary and a response', async () => {
    const doc = (await t.http.get('/api/docs-json').expect(200)).body;
    const expected: Array<[string, string, string]> = [
      ['get', '/api/v1/admin/regions/{id}/auth-settings', '200'],
      ['put', '/api/v1/admin/regions/{id}/auth-settings', '200'],
      ['post', '/api/v1/admin/esia/test-connection', '200'],
      ['get', '/api/v1/auth/esia/regions', '200'],
      ['get', '/api/v1/auth/esia/login', '302'],
      ['get', '/api/v1/auth/esia/callback', '302'],
      ['post', '/api/v1/auth/esia/exchange', '200'],
      ['post', '/api/v1/auth/esia/link', '200'],
      ['post', '/api/v1/auth/esia/link-start', '200'],
      ['get', '/api/v1/me/esia-link', '200'],
      ['delete', '/api/v1/me/esia-link', '204'],
      ['get', '/api/v1/admin/esia-links', '200'],
      ['delete', '/api/v1/admin/esia-links/{id}', '204'],
    ];
    for (const [method, path, status] of expected) {
      const op = doc.paths[path]?.[method];
      expect({ path, method, tags: op?.tags?.length > 0, summary: typeof op?.summary, response: !!op?.responses?.[status] }).toEqual({
        path,
        method,
        tags: true,
        summary: 'string',
        response: true,
      });
    }
    expect(doc.paths['/api/v1/auth/login'].post.responses['200'].content['application/json'].schema.$ref).toMatch(
      /PasswordLoginResultView$/,
    );
    expect(Object.keys(doc.paths).filter((p) => p === '/' || p.startsWith('/web'))).toEqual([]);
  });
});
