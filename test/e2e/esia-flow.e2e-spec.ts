/**
 * ESIA sign-in through the emulator over real HTTP with real GOST signatures:
 * client authorizationUrl → emulator login page → consent → callback with code → exchangeCode
 * (token verified) → fetchPerson. Also deny, logout, the REST shapes and the admin endpoint.
 */
import { randomUUID } from 'node:crypto';

import { AppError } from '../../src/common/errors/app-error';
import { IDENTITY_PROVIDER, IdentityProvider } from '../../src/modules/esia';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';

const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

describe('ESIA sign-in through the emulator (e2e)', () => {
  let t: TestApp;
  let base: string;
  let idp: IdentityProvider;
  let redirectUri: string;

  beforeAll(async () => {
    const port = await freePort();
    t = await createTestApp({ PORT: String(port), ESIA_CLIENT_ID: 'DIARYE2E' }, { listen: true });
    base = t.baseUrl!;
    idp = t.app.get<IdentityProvider>(IDENTITY_PROVIDER);
    redirectUri = t.config.esia!.redirectUri;
  });
  afterAll(() => t.close());

  /** Drives the emulator like a browser: login page → pick person → consent → decision. Returns the callback URL. */
  async function browserLogin(authUrl: string, oid: string, decision: 'allow' | 'deny' = 'allow'): Promise<URL> {
    const ac = await fetch(authUrl, { redirect: 'manual' });
    expect(ac.status).toBe(302);
    const loginUrl = new URL(ac.headers.get('location')!, authUrl);
    expect(loginUrl.pathname).toBe('/esia-emulator/login');
    const loginPage = await fetch(loginUrl);
    expect(loginPage.status).toBe(200);
    expect(loginPage.headers.get('content-type')).toMatch(/text\/html/);
    const html = await loginPage.text();
    expect(html).toContain(`data-oid="${oid}"`);
    const req = loginUrl.searchParams.get('req')!;

    const chosen = await fetch(`${base}/esia-emulator/login`, {
      method: 'POST',
      body: new URLSearchParams({ req, oid }),
      redirect: 'manual',
    });
    expect(chosen.status).toBe(302);
    const consentUrl = new URL(chosen.headers.get('location')!, base);
    const consent = await (await fetch(consentUrl)).text();
    expect(consent).toContain('id="allow"');
    expect(consent).toContain('Предоставить');
    expect(consent).toContain('Отказать');

    const decided = await fetch(`${base}/esia-emulator/consent`, {
      method: 'POST',
      body: new URLSearchParams({ req, decision }),
      redirect: 'manual',
    });
    expect(decided.status).toBe(302);
    return new URL(decided.headers.get('location')!);
  }

  async function signIn(oid: string) {
    const state = randomUUID();
    const callback = await browserLogin(await idp.authorizationUrl({ state }), oid);
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(callback.searchParams.get('state')).toBe(state);
    const tokens = await idp.exchangeCode(callback.searchParams.get('code')!);
    return { tokens, person: await idp.fetchPerson(tokens.oid, tokens.accessToken) };
  }

  it('authorizationUrl: v2 endpoint with every parameter ESIA wants', async () => {
    const state = randomUUID();
    const url = new URL(await idp.authorizationUrl({ state, accessType: 'offline' }));
    expect(`${url.origin}${url.pathname}`).toBe(`${base}/esia-emulator/aas/oauth2/v2/ac`);
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({
      client_id: 'DIARYE2E',
      redirect_uri: redirectUri,
      scope: 'openid fullname birthdate snils id_doc',
      response_type: 'code',
      state,
      access_type: 'offline',
    });
    expect(q.client_certificate_hash).toMatch(/^[0-9A-F]{64}$/);
    expect(q.client_secret).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(q.timestamp).toMatch(/^\d{4}\.\d{2}\.\d{2} \d{2}:\d{2}:\d{2} \+0000$/);
    await expect(idp.authorizationUrl({ state: 'not-a-uuid' })).rejects.toThrow(/UUID/);
  });

  it('confirmed adult: code → verified tokens → person with FIO, birth date, SNILS, level', async () => {
    const { tokens, person } = await signIn('1000000001');
    expect(tokens.oid).toBe('1000000001');
    expect(tokens.scopes).toEqual(['openid', 'fullname', 'birthdate', 'snils', 'id_doc']);
    expect(tokens.idToken).toBeDefined();
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens.expiresAt.getTime() - Date.now()).toBeGreaterThan(3500_000);
    expect(person).toEqual({
      oid: '1000000001',
      lastName: 'Тестов',
      firstName: 'Пётр',
      middleName: 'Иванович',
      birthDate: '1985-03-14',
      snils: '11223344595',
      trusted: true,
      level: 'confirmed',
    });
  });

  it.each([
    ['1000000002', { lastName: 'Смирнова', birthDate: '1990-09-02', snils: '12345678964', level: 'standard' }],
    ['1000000003', { lastName: 'Козлов', snils: '14567890206', level: 'simplified' }],
    ['1000000004', { lastName: 'Тестова', firstName: 'Мария', birthDate: '2016-05-10', snils: null, level: 'simplified' }],
    ['1000000005', { firstName: 'Елена', level: 'confirmed' }],
    ['1000000006', { lastName: 'Кузнецова', snils: '17654321076', level: 'confirmed' }],
  ])('fixture %s reads as expected', async (oid, expected) => {
    const { person } = await signIn(oid);
    expect(person).toMatchObject({ oid, ...expected });
  });

  it('a person added through the admin endpoint can sign in (standard level from SNILS + verified passport)', async () => {
    const res = await fetch(`${base}/esia-emulator/admin/persons`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ lastName: 'Ёлкина', firstName: 'Дарья', birthDate: '2009-04-01', snils: '187-654-329 19', level: 'standard' }),
    });
    expect(res.status).toBe(201);
    const { oid } = (await res.json()) as { oid: string };
    expect(oid).toMatch(/^\d+$/);
    const { person } = await signIn(oid);
    expect(person).toEqual({
      oid,
      lastName: 'Ёлкина',
      firstName: 'Дарья',
      middleName: null,
      birthDate: '2009-04-01',
      snils: '18765432919',
      trusted: false,
      level: 'standard',
    });

    const bad = await fetch(`${base}/esia-emulator/admin/persons`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ lastName: 'X', firstName: 'Y', snils: '111-111-111 11' }),
    });
    expect(bad.status).toBe(400);
  });

  it('Отказать: redirect with error=access_denied, ESIA-007004 and the state', async () => {
    const state = randomUUID();
    const authUrl = await idp.authorizationUrl({ state });
    const callback = await browserLogin(authUrl, '1000000002', 'deny');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('error_description')).toMatch(/^ESIA-007004: /);
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('offline access gives a refresh token', async () => {
    const state = randomUUID();
    const callback = await browserLogin(await idp.authorizationUrl({ state, accessType: 'offline' }), '1000000001');
    const tokens = await idp.exchangeCode(callback.searchParams.get('code')!);
    expect(tokens.refreshToken).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('REST: collections with and without ?embed=(elements), root embed, kids, scope and subject checks', async () => {
    const state = randomUUID();
    const parentCallback = await browserLogin(await idp.authorizationUrl({ state }), '1000000005');
    const { accessToken } = await idp.exchangeCode(parentCallback.searchParams.get('code')!);
    const get = (path: string, token = accessToken) =>
      fetch(`${base}/esia-emulator/rs/prns/${path}`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });

    const root = await json(get('1000000005'));
    expect(root).toMatchObject({
      stateFacts: ['EntityRoot'],
      lastName: 'Тестова',
      birthDate: '07.07.1987',
      snils: '156-783-409 04',
      trusted: true,
      rIdDoc: 40005,
    });
    expect(root.eTag).toMatch(/^[0-9A-F]{40}$/);

    const docs = await json(get('1000000005/docs'));
    expect(docs).toMatchObject({ stateFacts: ['hasSize'], size: 1, elements: [`${base}/esia-emulator/rs/prns/1000000005/docs/40005`] });
    const embedded = await json(get('1000000005/docs?embed=(elements)'));
    expect(embedded.elements[0]).toMatchObject({ id: 40005, type: 'RF_PASSPORT', vrfStu: 'VERIFIED', series: '4500' });
    expect(await json(get('1000000005/docs/40005'))).toMatchObject({ id: 40005 });
    const withDocs = await json(get('1000000005?embed=(documents.elements,contacts.elements)'));
    expect(withDocs.documents.elements[0].id).toBe(40005);
    expect(withDocs.contacts).toBeUndefined(); // no contacts scope

    expect((await get('1000000005/ctts')).status).toBe(403); // no email/mobile/contacts scope
    expect((await get('1000000005/kids')).status).toBe(403); // no kid_* scope
    expect((await get('1000000001')).status).toBe(403); // another person's data
    expect((await get('1000000005', `${accessToken}x`)).status).toBe(401);
    expect((await fetch(`${base}/esia-emulator/rs/prns/1000000005`)).status).toBe(401);
  });

  it('REST: /kids and /ctts with the scopes that allow them (client registered through the admin endpoint)', async () => {
    // Reuse the app's own client certificate for a second IS with wider scopes.
    const { readFile } = await import('node:fs/promises');
    const { ESIA_SIGNER } = await import('../../src/modules/esia/crypto');
    const { EsiaIdentityProvider } = await import('../../src/modules/esia/esia.adapter');
    const certPem = await readFile(t.config.esia!.certPath, 'utf8');
    const otherRedirect = `${base}/other-callback`;
    const reg = await fetch(`${base}/esia-emulator/admin/clients`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientId: 'PARENTAPP', certificatePems: [certPem], redirectUris: [otherRedirect] }),
    });
    expect(reg.status).toBe(201);
    const wide = new EsiaIdentityProvider(
      {
        ...t.config.esia!,
        clientId: 'PARENTAPP',
        redirectUri: otherRedirect,
        scopes: 'openid fullname kid_fullname kid_birthdate mobile email',
      },
      t.app.get(ESIA_SIGNER),
    );
    const callback = await browserLogin(await wide.authorizationUrl({ state: randomUUID() }), '1000000005');
    const { accessToken } = await wide.exchangeCode(callback.searchParams.get('code')!);
    const get = (path: string) => fetch(`${base}/esia-emulator/rs/prns/${path}`, { headers: { Authorization: `Bearer ${accessToken}` } });
    const kids = await json(get('1000000005/kids?embed=(elements)'));
    expect(kids).toMatchObject({
      size: 1,
      elements: [{ id: 1000000004, lastName: 'Тестова', firstName: 'Мария', birthDate: '10.05.2016' }],
    });
    expect(kids.elements[0].snils).toBeUndefined();
    const ctts = await json(get('1000000005/ctts?embed=(elements)'));
    expect(ctts.elements).toEqual([expect.objectContaining({ type: 'MBT', vrfStu: 'VERIFIED', value: '+7(900)0000005' })]);
    const person = await wide.fetchPerson('1000000005', accessToken);
    expect(person).toMatchObject({ lastName: 'Тестова', birthDate: null, snils: null, level: 'confirmed' });
  });

  it('logoutUrl ends at the given redirect_url', async () => {
    const url = idp.logoutUrl(`${base}/after-logout`);
    expect(url).toBe(`${base}/esia-emulator/idp/ext/Logout?client_id=DIARYE2E&redirect_url=${encodeURIComponent(`${base}/after-logout`)}`);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${base}/after-logout`);
    const page = await fetch(idp.logoutUrl());
    expect(await page.text()).toContain('Вы вышли');
  });

  it('testConnection: every step passes against the emulator', async () => {
    const report = await idp.testConnection();
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual([
      ['config', true],
      ['issuer', true],
      ['signer', true],
      ['trusted_certificates', true],
      ['authorization_endpoint', true],
      ['token_endpoint', true],
      ['recent_tokens', true],
    ]);
    expect(report.steps.find((s) => s.step === 'trusted_certificates')?.detail).toMatch(
      /RS256: 1, действующих 1.*GOST3410_2012_256: 1, действующих 1/,
    );
    expect(report.ok).toBe(true);
  });

  it('serves its token certificate (non-ESIA extra) and stays out of the API docs', async () => {
    const pem = await (await fetch(`${base}/esia-emulator/public/esia.pem`)).text();
    expect(pem).toContain('BEGIN CERTIFICATE');
    const doc = await json(fetch(`${base}/api/docs-json`));
    expect(Object.keys(doc.paths).some((p) => p.includes('esia-emulator'))).toBe(false);
  });

  it('fetchPerson with a bad token maps to ESIA_UNAVAILABLE (502)', async () => {
    const error = await idp.fetchPerson('1000000001', 'garbage').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'ESIA_UNAVAILABLE', statusCode: 502, message: 'Госуслуги сейчас недоступны, попробуйте позже' });
  });
});
