/**
 * What a real ESIA connection needs beyond the protocol notes (issue 13, docs/esia.md): tokens signed
 * with GOST R 34.10-2012 as well as RS256, ESIA's certificates as it ships them (DER `.cer` files in a
 * directory) and their rotation, the connection test naming a wrong issuer / algorithm / certificate,
 * the CryptoPro CSP signer (through a csptest stand-in), and ESIA withholding the identity documents.
 * Everything goes through the emulator over real HTTP with real GOST crypto.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Role } from '../../src/common/auth/role';
import { ESIA_TEST_KEY_FILES, ESIA_TEST_STAND_ISSUER, EsiaConfig } from '../../src/config/app-config';
import { REDIS } from '../../src/core/redis/redis.module';
import { IDENTITY_PROVIDER, IdentityProvider } from '../../src/modules/esia';
import { certificateToDer, CryptoProCspSigner, ESIA_SIGNER, EsiaSigner } from '../../src/modules/esia/crypto';
import { writeCsptestStandIn } from '../../src/modules/esia/crypto/csptest-stand-in';
import { createTestTempDir, generateGostTestKeyPair, removeTestDir } from '../../src/modules/esia/crypto/test-keys';
import { EsiaIdentityProvider } from '../../src/modules/esia/esia.adapter';
import { ensureEsiaTestKeys } from '../../src/modules/esia/esia-test-keys';
import { decodeJwt } from '../../src/modules/esia/jwt';
import { RedisTokenRefusalLog } from '../../src/modules/esia/token-refusals';
import { addEsiaPerson, bearer, login, makeRegion, makeSchool, makeUser, newSnils, setAuthSettings, setSnils } from '../factories';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';
import { esiaBrowser } from '../utils/esia-browser';

describe('ESIA connection: GOST tokens, shipped certificates, rotation, diagnostics, CryptoPro, documents (e2e)', () => {
  let dir: string;
  let keysDir: string;
  let trustedDir: string;
  let t: TestApp;
  let base: string;
  let esia: EsiaConfig;
  let signer: EsiaSigner;
  let browser: ReturnType<typeof esiaBrowser>;
  let schoolId: string;
  let adminToken: string;

  beforeAll(async () => {
    dir = await createTestTempDir('esia-connection-');
    keysDir = join(dir, 'keys');
    trustedDir = join(dir, 'esia-certs');
    await ensureEsiaTestKeys(keysDir);
    await mkdir(trustedDir);
    // As ESIA ships them in esia.zip: binary DER .cer files, one RSA and one GOST.
    const { readFile } = await import('node:fs/promises');
    await writeFile(join(trustedDir, 'RSA_TESIA.cer'), certificateToDer(await readFile(join(keysDir, ESIA_TEST_KEY_FILES.emulatorCert))));
    await writeFile(
      join(trustedDir, 'TESIA GOST 2012.cer'),
      certificateToDer(await readFile(join(keysDir, ESIA_TEST_KEY_FILES.emulatorGostCert))),
    );

    const port = await freePort();
    t = await createTestApp(
      {
        PORT: String(port),
        ESIA_TEST_KEYS_DIR: keysDir,
        ESIA_EMULATOR_TOKEN_ALG: 'GOST3410_2012_256',
        ESIA_TRUSTED_CERTS: trustedDir,
        LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
      },
      { listen: true },
    );
    base = t.baseUrl!;
    esia = t.config.esia!;
    signer = t.app.get<EsiaSigner>(ESIA_SIGNER);
    browser = esiaBrowser(t);
    const region = await makeRegion(t.db);
    await setAuthSettings(t.db, region.id, { esiaEnabled: true });
    schoolId = (await makeSchool(t.db, { regionId: region.id })).id;
    const admin = await makeUser(t.db, { roles: [Role.PlatformAdmin] });
    adminToken = (await login(t, admin)).accessToken;
  });
  afterAll(async () => {
    await t.close();
    await removeTestDir(dir);
  });

  // ---- helpers ---------------------------------------------------------------------------------

  /** A diary user and the ESIA person (standard level) that SNILS + FIO match. */
  async function matchedPair(o: { birthDate?: string; level?: 'simplified' | 'standard' | 'confirmed' } = {}) {
    const snils = newSnils();
    const lastName = `Гостев${randomUUID().slice(0, 4)}`;
    const user = await makeUser(t.db, { schoolId, lastName, firstName: 'Пётр', birthDate: o.birthDate ?? '1985-05-05' });
    await setSnils(t, user.id, snils);
    const oid = await addEsiaPerson(t, {
      lastName,
      firstName: 'Пётр',
      birthDate: o.birthDate ?? '1985-05-05',
      snils,
      level: o.level ?? 'standard',
    });
    return { user, oid };
  }

  /** Through the emulator with a client of our own making: authorization URL → login and consent → code → tokens → person. */
  async function signIn(provider: IdentityProvider, oid: string) {
    const callback = new URL(await browser.atEsia(await provider.authorizationUrl({ state: randomUUID() }), oid));
    const tokens = await provider.exchangeCode(callback.searchParams.get('code')!);
    return { tokens, person: await provider.fetchPerson(tokens.oid, tokens.accessToken) };
  }

  const refusedAs = async (p: Promise<unknown>, reason: string) =>
    expect(
      await p.then(
        () => null,
        (e: unknown) => e,
      ),
    ).toMatchObject({ code: 'ESIA_UNAVAILABLE', details: { reason } });

  const setTokenSigning = async (body: Record<string, string>) => {
    const res = await fetch(`${base}/esia-emulator/admin/token-signing`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
  };

  const testConnection = async () => (await t.http.post('/api/v1/admin/esia/test-connection').set(bearer(adminToken)).expect(200)).body;
  const step = (report: { steps: Array<{ step: string }> }, name: string) => report.steps.find((s) => s.step === name);
  const header = (token: string) => decodeJwt(token)!.header;

  /** A provider like the app's, with other settings, keeping its refusals in the app's Redis. */
  const provider = (o: Partial<EsiaConfig>, s: EsiaSigner = signer) =>
    new EsiaIdentityProvider({ ...esia, ...o }, s, { refusals: new RedisTokenRefusalLog(t.app.get(REDIS)) });

  // ---- GOST and RS256 tokens -------------------------------------------------------------------

  it('signs users in with GOST3410_2012_256 tokens checked against DER .cer files from a directory', async () => {
    const { user, oid } = await matchedPair();
    const q = await browser.esiaLogin(oid);
    expect(q.get('error')).toBeNull();
    const signedIn = await t.http
      .post('/api/v1/auth/esia/exchange')
      .send({ ticket: q.get('ticket') })
      .expect(200);
    expect(signedIn.body.user.id).toBe(user.id);

    const { tokens, person } = await signIn(t.app.get<IdentityProvider>(IDENTITY_PROVIDER), '1000000001');
    expect(header(tokens.accessToken)).toEqual({ ver: 1, typ: 'JWT', sbt: 'access', alg: 'GOST3410_2012_256' });
    expect(decodeJwt(tokens.accessToken)!.signature).toHaveLength(64);
    expect(header(tokens.idToken!).alg).toBe('GOST3410_2012_256');
    expect(person).toMatchObject({ oid: '1000000001', level: 'confirmed' });

    const report = await testConnection();
    expect(report).toMatchObject({ ok: true, failedStep: null });
    expect(step(report, 'trusted_certificates')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/RS256: 1, действующих 1.*GOST3410_2012_256: 1, действующих 1/),
    });
  });

  it('RS256 tokens (the tech-portal setting switched) pass with the DER directory and with a PEM file', async () => {
    await setTokenSigning({ alg: 'RS256' });
    try {
      const { oid } = await matchedPair();
      expect((await browser.esiaLogin(oid)).get('ticket')).toEqual(expect.any(String));
      const pem = provider({ trustedCertPaths: [join(keysDir, ESIA_TEST_KEY_FILES.emulatorCert)] });
      const { tokens } = await signIn(pem, '1000000002');
      expect(header(tokens.accessToken).alg).toBe('RS256');
    } finally {
      await setTokenSigning({ alg: 'GOST3410_2012_256' });
    }
  });

  // ---- rotation ----------------------------------------------------------------------------------

  it('rotation: ESIA signs with a new GOST certificate → refused and reported; its .cer dropped into the directory → accepted without a restart; old and new both pass', async () => {
    const rotated = await generateGostTestKeyPair(join(dir, 'rotated'), 'ESIA GOST NEXT (TEST)');
    await setTokenSigning({ alg: 'GOST3410_2012_256', keyPath: rotated.keyPath, certPath: rotated.certPath });
    const newCer = join(trustedDir, 'GOST_TESIA_next.cer');
    try {
      const first = await matchedPair();
      expect(Object.fromEntries(await browser.esiaLogin(first.oid))).toEqual({ error: 'ESIA_UNAVAILABLE' });
      const report = await testConnection();
      expect(report.ok).toBe(false);
      expect(step(report, 'recent_tokens')).toMatchObject({
        ok: false,
        problem: 'bad_signature',
        detail: expect.stringContaining('GOST3410_2012_256'),
      });

      await writeFile(newCer, certificateToDer(rotated.certPem));
      expect((await browser.esiaLogin(first.oid)).get('ticket')).toEqual(expect.any(String));
      expect(step(await testConnection(), 'recent_tokens')).toMatchObject({ ok: true });

      await setTokenSigning({ alg: 'GOST3410_2012_256' }); // back to the previous certificate: still trusted
      const second = await matchedPair();
      expect((await browser.esiaLogin(second.oid)).get('ticket')).toEqual(expect.any(String));
    } finally {
      await setTokenSigning({ alg: 'GOST3410_2012_256' });
      await rm(newCer, { force: true });
    }
  });

  // ---- the connection test names what is wrong ---------------------------------------------------

  it('a GOST token while only RS256 is allowed: refused, and the connection test says wrong_algorithm', async () => {
    const rsaOnly = provider({ tokenAlgorithms: ['RS256'] });
    await refusedAs(signIn(rsaOnly, '1000000001'), 'invalid_token');
    const report = await rsaOnly.testConnection();
    expect(report.steps.find((s) => s.step === 'recent_tokens')).toMatchObject({
      ok: false,
      problem: 'wrong_algorithm',
      detail: expect.stringContaining('подписан алгоритмом GOST3410_2012_256, а разрешены RS256'),
    });
    // the app's own report is about the app's settings, not this provider's
    expect(step(await testConnection(), 'recent_tokens')).toMatchObject({ ok: true });
  });

  it("the test stand's issuer expected from an emulator issuing production's: refused, and the connection test says wrong_issuer", async () => {
    const testStand = provider({ issuer: ESIA_TEST_STAND_ISSUER });
    await refusedAs(signIn(testStand, '1000000001'), 'invalid_token');
    expect((await testStand.testConnection()).steps.find((s) => s.step === 'recent_tokens')).toMatchObject({
      ok: false,
      problem: 'wrong_issuer',
      detail: expect.stringContaining('выдан издателем http://esia.gosuslugi.ru/, а ожидается http://esia-portal1.test.gosuslugi.ru/'),
    });
  });

  it('certificate problems: an allowed algorithm without a certificate and a file that is not one are named', async () => {
    const junk = join(dir, 'RSA.txt');
    await writeFile(junk, 'RSA certificate for ESIA, see the archive');
    const report = await provider({ trustedCertPaths: [join(keysDir, ESIA_TEST_KEY_FILES.emulatorCert), junk] }).testConnection();
    const certs = report.steps.find((s) => s.step === 'trusted_certificates')!;
    expect(certs).toMatchObject({ ok: false, problem: 'no_certificate_for_algorithm' });
    expect(certs.detail).toContain('нет сертификата для GOST3410_2012_256');
    expect(certs.detail).toContain('RSA.txt не годится');
    await refusedAs(signIn(provider({ trustedCertPaths: [junk] }), '1000000001'), 'not_configured');
  });

  // ---- the CryptoPro CSP signer ---------------------------------------------------------------------

  it('the CryptoPro signer (csptest stand-in, byte-reversed output) signs requests the emulator accepts', async () => {
    await mkdir(join(dir, 'cprocsp'), { mode: 0o700 });
    const csptest = await writeCsptestStandIn(join(dir, 'cprocsp'), esia.keyPath);
    const csp = new CryptoProCspSigner({
      csptestPath: csptest.path,
      container: '\\\\.\\HDIMAGE\\diary-test',
      pin: 'test-pin',
      certPath: esia.certPath,
    });
    const viaCsp = new EsiaIdentityProvider(
      {
        ...esia,
        signer: { kind: 'cryptopro', csptestPath: csptest.path, container: 'x', pin: null, keyType: 'exchange', timeoutMs: 15000 },
      },
      csp,
    );
    const { person } = await signIn(viaCsp, '1000000002');
    expect(person).toMatchObject({ oid: '1000000002', level: 'standard' });
    expect((await csptest.calls()).length).toBeGreaterThanOrEqual(2); // /v2/ac and /v3/te were both signed by "csptest"
    const report = await viaCsp.testConnection();
    expect(report.ok).toBe(true);
    expect(report.steps.find((s) => s.step === 'signer')?.detail).toContain('КриптоПро CSP');
  });

  // ---- ESIA withholding the documents -------------------------------------------------------------

  it('no id_doc granted (403 on /docs): an adult that may be "standard" gets ESIA_SCOPE_MISSING; a child under 14 still signs in', async () => {
    const { readFile } = await import('node:fs/promises');
    const register = async (grantedScopes?: string[]) => {
      const res = await fetch(`${base}/esia-emulator/admin/clients`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          clientId: esia.clientId,
          certificatePems: [await readFile(esia.certPath, 'utf8')],
          redirectUris: [esia.redirectUri],
          grantedScopes,
        }),
      });
      expect(res.status).toBe(201);
    };
    await register(['openid', 'fullname', 'birthdate', 'snils']);
    try {
      const adult = await matchedPair({ level: 'standard' });
      expect(Object.fromEntries(await browser.esiaLogin(adult.oid))).toEqual({ error: 'ESIA_SCOPE_MISSING' });
      const [attempt] = await t.db.query(
        "SELECT reason FROM login_attempts WHERE user_id = $1 AND method = 'esia' ORDER BY id DESC LIMIT 1",
        [adult.user.id],
      );
      expect(attempt.reason).toBe('ESIA_SCOPE_MISSING');

      const idp = t.app.get<IdentityProvider>(IDENTITY_PROVIDER);
      const { tokens, person } = await signIn(idp, adult.oid);
      expect(tokens.scopes).not.toContain('id_doc');
      expect(person).toMatchObject({ level: 'simplified', levelUndetermined: 'documents_not_granted' });
      const docs = await fetch(`${base}/esia-emulator/rs/prns/${adult.oid}/docs`, {
        headers: { Authorization: `Bearer ${tokens.accessToken}` },
      });
      expect(docs.status).toBe(403);

      const child = await matchedPair({ birthDate: '2016-03-03', level: 'simplified' });
      expect((await browser.esiaLogin(child.oid)).get('ticket')).toEqual(expect.any(String));
      // a confirmed account needs no documents at all
      const confirmed = await matchedPair({ level: 'confirmed' });
      expect((await browser.esiaLogin(confirmed.oid)).get('ticket')).toEqual(expect.any(String));
    } finally {
      await register(undefined);
    }
    const again = await matchedPair({ level: 'standard' });
    expect((await browser.esiaLogin(again.oid)).get('ticket')).toEqual(expect.any(String));
  });
});
