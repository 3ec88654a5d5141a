/**
 * Every refusal of the ESIA emulator (docs/esia.md "Error codes"), with hand-built requests signed for real
 * (GOST), and how the client maps ESIA errors, timeouts and unreachable hosts to ESIA_UNAVAILABLE.
 */
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';

import { AppError } from '../../src/common/errors/app-error';
import { IDENTITY_PROVIDER, IdentityProvider } from '../../src/modules/esia';
import {
  buildV1SigningString,
  buildV2AuthorizationSigningString,
  buildV3TokenSigningString,
  ESIA_SIGNER,
  EsiaSigner,
  formatEsiaTimestamp,
  OpenSslGostSigner,
  signClientSecret,
} from '../../src/modules/esia/crypto';
import {
  createTestTempDir,
  generateGostTestKeyPair,
  generateRsaTestKeyPair,
  removeTestDir,
  TestKeyPair,
} from '../../src/modules/esia/crypto/test-keys';
import { EsiaIdentityProvider } from '../../src/modules/esia/esia.adapter';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';

const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

describe('ESIA emulator refusals and client error mapping (e2e)', () => {
  let t: TestApp;
  let base: string;
  let idp: IdentityProvider;
  let signer: EsiaSigner;
  let hash: string;
  let clientId: string;
  let redirectUri: string;
  let scope: string;
  let dir: string;
  let otherGost: TestKeyPair;
  let otherSigner: OpenSslGostSigner;

  beforeAll(async () => {
    const port = await freePort();
    dir = await createTestTempDir();
    [t, otherGost] = await Promise.all([
      createTestApp({ PORT: String(port), ESIA_CLIENT_ID: 'DIARYREF' }, { listen: true }),
      generateGostTestKeyPair(dir, 'OTHER IS'),
    ]);
    base = t.baseUrl!;
    idp = t.app.get<IdentityProvider>(IDENTITY_PROVIDER);
    signer = t.app.get<EsiaSigner>(ESIA_SIGNER);
    hash = await signer.certificateHashHex();
    ({ clientId, redirectUri, scopes: scope } = t.config.esia!);
    otherSigner = new OpenSslGostSigner({ keyPath: otherGost.keyPath, certPath: otherGost.certPath });
    // A second IS with its own certificate (for ESIA-007002).
    const reg = await fetch(`${base}/esia-emulator/admin/clients`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientId: 'OTHERIS', certificatePems: [otherGost.certPem], redirectUris: ['https://other.example.test/cb'] }),
    });
    if (reg.status !== 201) throw new Error(`cannot register OTHERIS: ${reg.status}`);
  });
  afterAll(async () => {
    await t.close();
    await removeTestDir(dir);
  });

  type Params = Record<string, string | undefined>;

  /** A correctly signed /v2/ac query; `sign` overrides what is signed, `params` what is sent (undefined = omitted). */
  async function acQuery(o: { sign?: Params; params?: Params; with?: EsiaSigner } = {}): Promise<Params> {
    const s = { clientId, scope, timestamp: formatEsiaTimestamp(new Date()), state: randomUUID(), redirectUri, ...o.sign } as Record<
      string,
      string
    >;
    const by = o.with ?? signer;
    return {
      client_id: s.clientId,
      client_certificate_hash: await by.certificateHashHex(),
      client_secret: await signClientSecret(by, buildV2AuthorizationSigningString(s as never)),
      redirect_uri: s.redirectUri,
      scope: s.scope,
      response_type: 'code',
      state: s.state,
      access_type: 'online',
      timestamp: s.timestamp,
      ...o.params,
    };
  }

  const qs = (p: Params) => new URLSearchParams(Object.entries(p).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  const ac = (p: Params) => fetch(`${base}/esia-emulator/aas/oauth2/v2/ac?${qs(p)}`, { redirect: 'manual' });

  /** The authorization error delivered by redirect to redirect_uri. */
  async function acRedirectError(p: Params): Promise<{ error: string | null; description: string | null; state: string | null }> {
    const res = await ac(p);
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe(redirectUri);
    return {
      error: loc.searchParams.get('error'),
      description: loc.searchParams.get('error_description'),
      state: loc.searchParams.get('state'),
    };
  }

  /** A correctly signed /v3/te body for `code`. */
  async function teBody(
    code: string,
    o: { sign?: Params; params?: Params; grant?: 'authorization_code' | 'refresh_token' } = {},
  ): Promise<Params> {
    const grant = o.grant ?? 'authorization_code';
    const s = { clientId, scope, timestamp: formatEsiaTimestamp(new Date()), state: randomUUID(), redirectUri, ...o.sign } as Record<
      string,
      string
    >;
    const signed = buildV3TokenSigningString({
      ...(s as unknown as { clientId: string; scope: string; timestamp: string; state: string; redirectUri: string }),
      code: grant === 'authorization_code' ? code : undefined,
    });
    return {
      client_id: s.clientId,
      grant_type: grant,
      ...(grant === 'authorization_code' ? { code } : { refresh_token: code }),
      client_secret: await signClientSecret(signer, signed),
      client_certificate_hash: hash,
      state: s.state,
      redirect_uri: s.redirectUri,
      scope: s.scope,
      timestamp: s.timestamp,
      token_type: 'Bearer',
      ...o.params,
    };
  }
  const te = (p: Params) =>
    fetch(`${base}/esia-emulator/aas/oauth2/v3/te`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: qs(p),
    });

  /** A fresh authorization code for a fixture person (through the login and consent pages). */
  async function freshCode(oid = '1000000001', accessType = 'online'): Promise<string> {
    const res = await ac(await acQuery({ params: { access_type: accessType } }));
    const loginUrl = new URL(res.headers.get('location')!, base);
    const req = loginUrl.searchParams.get('req')!;
    await fetch(`${base}/esia-emulator/login`, { method: 'POST', body: new URLSearchParams({ req, oid }), redirect: 'manual' });
    const done = await fetch(`${base}/esia-emulator/consent`, {
      method: 'POST',
      body: new URLSearchParams({ req, decision: 'allow' }),
      redirect: 'manual',
    });
    return new URL(done.headers.get('location')!).searchParams.get('code')!;
  }

  describe('/aas/oauth2/v2/ac', () => {
    it('a correct request goes to the login page', async () => {
      const res = await ac(await acQuery());
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(/^\/esia-emulator\/login\?req=/);
    });

    it('ESIA-007014 names the missing parameter (client_certificate_hash, client_secret, timestamp, state)', async () => {
      for (const name of ['client_certificate_hash', 'client_secret', 'timestamp', 'scope']) {
        const p = await acQuery({ params: { [name]: undefined } });
        const e = await acRedirectError(p);
        expect(e.error).toBe('invalid_request');
        expect(e.description).toBe(`ESIA-007014: Запрос не содержит обязательного параметра [${name}]`);
        expect(e.state).toBe(p.state);
      }
      const noState = await acRedirectError(await acQuery({ params: { state: undefined } }));
      expect(noState.description).toContain('ESIA-007014');
      expect(noState.description).toContain('[state]');
    });

    it('ESIA-007014 without a usable redirect_uri is shown on an ESIA error page', async () => {
      const res = await ac(await acQuery({ params: { redirect_uri: undefined } }));
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain('data-code="ESIA-007014"');
      expect(html).toContain('[redirect_uri]');
    });

    it('ESIA-007023: unregistered redirect_uri (error page, never a redirect to it)', async () => {
      const evil = 'https://evil.example.test/callback';
      const res = await ac(await acQuery({ sign: { redirectUri: evil } }));
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('ESIA-007023');
    });

    it('ESIA-007006: unknown scope', async () => {
      const e = await acRedirectError(await acQuery({ sign: { scope: 'openid fullname superpowers' } }));
      expect(e).toMatchObject({ error: 'invalid_scope' });
      expect(e.description).toMatch(/^ESIA-007006: .*\[superpowers\]/);
    });

    it('ESIA-007053: wrong signature (legacy v1 string signed; a signature of other data; garbage)', async () => {
      const p = await acQuery();
      const v1 = await signClientSecret(signer, buildV1SigningString({ scope, timestamp: p.timestamp!, clientId, state: p.state! }));
      for (const secret of [v1, await signClientSecret(signer, 'something else'), 'not-base64!!']) {
        const e = await acRedirectError({ ...p, client_secret: secret });
        expect(e.error).toBe('access_denied');
        expect(e.description).toMatch(/^ESIA-007053: /);
      }
    });

    it('the signature may come as base64url with padding or as standard base64', async () => {
      const p = await acQuery();
      const raw = Buffer.from(p.client_secret!, 'base64url');
      for (const secret of [raw.toString('base64'), `${p.client_secret}==`]) {
        const res = await ac({ ...p, client_secret: secret });
        expect(res.headers.get('location')).toMatch(/^\/esia-emulator\/login/);
      }
    });

    it('ESIA-007053: wrong certificate hash (unknown hash; a valid signature by an unregistered certificate; SHA-1 length)', async () => {
      const p = await acQuery();
      for (const bad of ['00'.repeat(32), 'AB'.repeat(20)]) {
        const e = await acRedirectError({ ...p, client_certificate_hash: bad });
        expect(e.description).toMatch(/^ESIA-007053: /);
      }
      const unregistered = await generateGostTestKeyPair(dir, 'UNREGISTERED IS');
      const strangerSigner = new OpenSslGostSigner({ keyPath: unregistered.keyPath, certPath: unregistered.certPath });
      const stranger = await acRedirectError(await acQuery({ with: strangerSigner }));
      expect(stranger.description).toMatch(/^ESIA-007053: /);
    });

    it('ESIA-007002: a certificate registered for another IS', async () => {
      const e = await acRedirectError(await acQuery({ with: otherSigner }));
      expect(e.error).toBe('invalid_client');
      expect(e.description).toMatch(/^ESIA-007002: /);
      // an unknown IS mnemonic has no certificate at all: ESIA-007002 on the error page
      const unknown = await ac(await acQuery({ sign: { clientId: 'NOSUCHIS' } }));
      expect(unknown.status).toBe(400);
      expect(await unknown.text()).toContain('ESIA-007002');
    });

    it('ESIA-007015: timestamp outside ±5 minutes (correctly signed), or malformed', async () => {
      for (const ts of [
        formatEsiaTimestamp(new Date(Date.now() - 6 * 60_000)),
        formatEsiaTimestamp(new Date(Date.now() + 6 * 60_000), 180),
        '2025-03-14 10:20:30',
      ]) {
        const e = await acRedirectError(await acQuery({ sign: { timestamp: ts } }));
        expect(e.description).toMatch(/^ESIA-007015: /);
      }
      // 4 minutes off in Moscow time is fine
      const ok = await ac(await acQuery({ sign: { timestamp: formatEsiaTimestamp(new Date(Date.now() - 4 * 60_000), 180) } }));
      expect(ok.headers.get('location')).toMatch(/^\/esia-emulator\/login/);
    });

    it('a login request is single use: a second consent answer is refused', async () => {
      const res = await ac(await acQuery());
      const req = new URL(res.headers.get('location')!, base).searchParams.get('req')!;
      await fetch(`${base}/esia-emulator/login`, {
        method: 'POST',
        body: new URLSearchParams({ req, oid: '1000000002' }),
        redirect: 'manual',
      });
      const first = await fetch(`${base}/esia-emulator/consent`, {
        method: 'POST',
        body: new URLSearchParams({ req, decision: 'deny' }),
        redirect: 'manual',
      });
      expect(first.status).toBe(302);
      const second = await fetch(`${base}/esia-emulator/consent`, {
        method: 'POST',
        body: new URLSearchParams({ req, decision: 'allow' }),
        redirect: 'manual',
      });
      expect(second.status).toBe(400);
      expect((await fetch(`${base}/esia-emulator/login?req=nonsense-request-id`)).status).toBe(400);
    });
  });

  describe('/aas/oauth2/v3/te', () => {
    it('ESIA-007014 names the missing parameter; JSON 400 with the request state', async () => {
      const body = await teBody('whatever', { params: { client_certificate_hash: undefined } });
      const res = await te(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(await res.json()).toEqual({
        error: 'invalid_request',
        error_description: 'ESIA-007014: Запрос не содержит обязательного параметра [client_certificate_hash]',
        state: body.state,
      });
      expect((await json(te(await teBody('x', { params: { code: undefined } })))).error_description).toContain('[code]');
    });

    it('bad signature (007053) and bad timestamp (007015) do not burn the code; then it works once; reuse is ESIA-007011', async () => {
      const code = await freshCode();
      const wrong = await json(te({ ...(await teBody(code)), client_secret: await signClientSecret(signer, 'nope') }));
      expect(wrong).toMatchObject({ error: 'access_denied', error_description: expect.stringMatching(/^ESIA-007053: /) });
      const stale = await json(te(await teBody(code, { sign: { timestamp: formatEsiaTimestamp(new Date(Date.now() - 10 * 60_000)) } })));
      expect(stale.error_description).toMatch(/^ESIA-007015: /);
      const hashWrong = await json(te({ ...(await teBody(code)), client_certificate_hash: '11'.repeat(32) }));
      expect(hashWrong.error_description).toMatch(/^ESIA-007053: /);

      const body = await teBody(code);
      const ok = await te(body);
      expect(ok.status).toBe(200);
      const tokens = await json(ok);
      expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, state: body.state });
      const [header, payload] = (tokens.access_token as string)
        .split('.')
        .slice(0, 2)
        .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header).toEqual({ ver: 1, typ: 'JWT', sbt: 'access', alg: 'RS256' });
      expect(payload).toMatchObject({
        'urn:esia:sbj_id': 1000000001,
        client_id: clientId,
        iss: 'http://esia.gosuslugi.ru/',
        scope: 'openid fullname?oid=1000000001 birthdate?oid=1000000001 snils?oid=1000000001 id_doc?oid=1000000001',
      });
      expect(payload.exp - payload.iat).toBe(3600);
      expect(payload.nbf).toBe(payload.iat);
      const id = JSON.parse(Buffer.from((tokens.id_token as string).split('.')[1], 'base64url').toString());
      expect(id).toMatchObject({
        aud: clientId,
        sub: 1000000001,
        'urn:esia:sbj': { 'urn:esia:sbj:oid': 1000000001, 'urn:esia:sbj:is_tru': true },
      });

      const reused = await te(await teBody(code));
      expect(reused.status).toBe(400);
      expect(await reused.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/^ESIA-007011: /) });
    });

    it('ESIA-007011: expired code, unknown code', async () => {
      const code = await freshCode();
      const key = `${t.config.redisPrefix}:esia-emu:code:${code}`;
      expect(await t.redis.ttl(key)).toBeGreaterThan(290);
      expect(await t.redis.ttl(key)).toBeLessThanOrEqual(300);
      await t.redis.pexpire(key, 1);
      await new Promise((r) => setTimeout(r, 10));
      expect((await json(te(await teBody(code)))).error_description).toMatch(/^ESIA-007011: /);
      expect((await json(te(await teBody('no-such-code')))).error_description).toMatch(/^ESIA-007011: /);
    });

    it('ESIA-007023 for an unregistered redirect_uri; ESIA-007009 for an unknown grant', async () => {
      const code = await freshCode();
      expect((await json(te(await teBody(code, { sign: { redirectUri: 'https://evil.example.test/cb' } })))).error_description).toMatch(
        /^ESIA-007023: /,
      );
      expect(await json(te({ ...(await teBody(code)), grant_type: 'password' }))).toMatchObject({
        error: 'unsupported_grant_type',
        error_description: expect.stringMatching(/^ESIA-007009: /),
      });
    });

    it('a refresh token works once and rotates', async () => {
      const code = await freshCode('1000000002', 'offline');
      const first = await json(te(await teBody(code)));
      expect(first.refresh_token).toBeDefined();
      const second = await json(te(await teBody(first.refresh_token, { grant: 'refresh_token' })));
      expect(second.access_token).toBeDefined();
      expect(second.refresh_token).not.toBe(first.refresh_token);
      const again = await json(te(await teBody(first.refresh_token, { grant: 'refresh_token' })));
      expect(again.error_description).toMatch(/^ESIA-007011: /);
    });
  });

  describe('client error mapping', () => {
    const unavailable = async (p: Promise<unknown>, status: number, details: Record<string, unknown>) => {
      const e = await p.then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(AppError);
      expect(e).toMatchObject({
        code: 'ESIA_UNAVAILABLE',
        statusCode: status,
        message: 'Госуслуги сейчас недоступны, попробуйте позже',
        details,
      });
    };

    it('an ESIA error answer (reused code) → 502 with the ESIA code', async () => {
      const code = await freshCode();
      await idp.exchangeCode(code);
      await unavailable(idp.exchangeCode(code), 502, { reason: 'error_response', esiaCode: 'ESIA-007011' });
    });

    it('a token signed by a certificate we do not trust → 502 invalid_token', async () => {
      const rsa = await generateRsaTestKeyPair(dir, 'NOT ESIA');
      const client = new EsiaIdentityProvider({ ...t.config.esia!, trustedCertPaths: [rsa.certPath] }, signer);
      await unavailable(client.exchangeCode(await freshCode()), 502, { reason: 'invalid_token' });
    });

    it('a closed port → 503 network; testConnection says the endpoints failed but signing works', async () => {
      const closed = await freePort();
      const client = new EsiaIdentityProvider({ ...t.config.esia!, baseUrl: `http://127.0.0.1:${closed}/esia` }, signer);
      await unavailable(client.exchangeCode('abc'), 503, { reason: 'network' });
      await unavailable(client.fetchPerson('1000000001', 'token'), 503, { reason: 'network' });
      const report = await client.testConnection();
      expect(report.ok).toBe(false);
      expect(report.steps.map((s) => [s.step, s.ok])).toEqual([
        ['config', true],
        ['issuer', true],
        ['signer', true],
        ['trusted_certificates', true],
        ['authorization_endpoint', false],
        ['token_endpoint', false],
        ['recent_tokens', true],
      ]);
      expect(report.steps.find((s) => s.step === 'authorization_endpoint')?.detail).toMatch(/ЕСИА недоступна/);
    });

    describe('a server that never answers', () => {
      let hanging: Server;
      let hangingPort: number;
      beforeAll(async () => {
        hanging = createServer(() => undefined); // accepts, never responds
        await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
        hangingPort = (hanging.address() as { port: number }).port;
      });
      afterAll(async () => {
        hanging.closeAllConnections();
        await new Promise((r) => hanging.close(r));
      });

      it('→ 503 timeout after ESIA timeoutMs', async () => {
        const client = new EsiaIdentityProvider({ ...t.config.esia!, baseUrl: `http://127.0.0.1:${hangingPort}`, timeoutMs: 300 }, signer);
        const started = Date.now();
        await unavailable(client.exchangeCode('abc'), 503, { reason: 'timeout' });
        expect(Date.now() - started).toBeLessThan(2000);
        const report = await client.testConnection();
        expect(report.steps.find((s) => s.step === 'token_endpoint')).toMatchObject({ ok: false, detail: 'ЕСИА не ответила вовремя' });
      });
    });

    it('testConnection names the failing step: unknown IS and foreign certificate (ESIA-007002), broken signer', async () => {
      const unknown = new EsiaIdentityProvider({ ...t.config.esia!, clientId: 'NOSUCHIS' }, signer);
      const r1 = await unknown.testConnection();
      expect(r1.steps.find((s) => s.step === 'authorization_endpoint')).toMatchObject({ ok: false, esiaCode: 'ESIA-007002' });
      expect(r1.steps.find((s) => s.step === 'token_endpoint')).toMatchObject({ ok: false, esiaCode: 'ESIA-007002' });

      // OTHERIS (registered above) signing with DIARYREF's certificate: the error comes back by redirect
      const foreignCert = new EsiaIdentityProvider(
        { ...t.config.esia!, clientId: 'OTHERIS', redirectUri: 'https://other.example.test/cb' },
        signer,
      );
      const r2 = await foreignCert.testConnection();
      expect(r2.steps.find((s) => s.step === 'authorization_endpoint')).toMatchObject({ ok: false, esiaCode: 'ESIA-007002' });

      const broken = new EsiaIdentityProvider(
        { ...t.config.esia!, keyPath: `${dir}/missing.key.pem` },
        new OpenSslGostSigner({ keyPath: `${dir}/missing.key.pem`, certPath: t.config.esia!.certPath }),
      );
      const r3 = await broken.testConnection();
      expect(r3.ok).toBe(false);
      expect(r3.steps.find((s) => s.step === 'signer')).toMatchObject({ ok: false });
      expect(r3.steps.find((s) => s.step === 'token_endpoint')?.detail).toMatch(/Не проверялось/);
      await unavailable(broken.authorizationUrl({ state: randomUUID() }), 503, { reason: 'signer' });
    });
  });
});
