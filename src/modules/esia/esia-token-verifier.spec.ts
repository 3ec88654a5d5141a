import { createHash, createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';

import { certificateToDer, OpenSslGostSigner, reverseBytes, runOpenSslOrThrow } from './crypto';
import { createTestTempDir, generateGostTestKeyPair, generateRsaTestKeyPair, removeTestDir, TestKeyPair } from './crypto/test-keys';
import { EsiaTokenError, EsiaTokenVerifier, orderByKeyHint, parseGrantedScopes } from './esia-token-verifier';
import { assembleJwt, JsonObject, signJwtWith, signRs256Jwt } from './jwt';
import { parseTrustedCertificates, trustedCertificatesFrom } from './token-certificates';

const ISSUER = 'http://esia.gosuslugi.ru/';
const CLIENT = 'TESTSYS01';
const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);
const nowSec = NOW / 1000;
const HEADER = { ver: 1, typ: 'JWT', sbt: 'access', alg: 'RS256' };
const GOST_HEADER = { ...HEADER, alg: 'GOST3410_2012_256' };

const accessClaims = (o: JsonObject = {}): JsonObject => ({
  nbf: nowSec - 10,
  scope: 'openid fullname?oid=1000123456 snils?oid=1000123456',
  iss: ISSUER,
  'urn:esia:sid': 'a'.repeat(64),
  'urn:esia:sbj_id': 1000123456,
  exp: nowSec + 3590,
  iat: nowSec - 10,
  client_id: CLIENT,
  ...o,
});

describe('EsiaTokenVerifier', () => {
  let dir: string;
  let current: TestKeyPair;
  let next: TestKeyPair;
  let stranger: TestKeyPair;
  let gostCurrent: TestKeyPair;
  let gostNext: TestKeyPair;
  let currentKey: KeyObject;
  let verifier: EsiaTokenVerifier;

  const make = (certs: Array<string | Buffer>, o: Partial<ConstructorParameters<typeof EsiaTokenVerifier>[0]> = {}) =>
    new EsiaTokenVerifier({ certificates: trustedCertificatesFrom(...certs), issuer: ISSUER, clientId: CLIENT, now: () => NOW, ...o });
  /** A GOST3410_2012_256 token signed by `pair` (raw 64-byte signature in OpenSSL's order, base64url). */
  const gostToken = (pair: TestKeyPair, claims = accessClaims(), header: JsonObject = GOST_HEADER) =>
    signJwtWith(header, claims, (input) => new OpenSslGostSigner({ keyPath: pair.keyPath, certPath: pair.certPath }).sign(input));

  beforeAll(async () => {
    dir = await createTestTempDir();
    [current, next, stranger, gostCurrent, gostNext] = await Promise.all([
      generateRsaTestKeyPair(dir, 'ESIA current'),
      generateRsaTestKeyPair(dir, 'ESIA next'),
      generateRsaTestKeyPair(dir, 'Somebody else'),
      generateGostTestKeyPair(dir, 'ESIA GOST current'),
      generateGostTestKeyPair(dir, 'ESIA GOST next'),
    ]);
    currentKey = createPrivateKey(current.keyPem);
    verifier = make([current.certPem, next.certPem, gostCurrent.certPem]);
  });
  afterAll(() => removeTestDir(dir));

  const refused = async (token: string | Promise<string>, reason: EsiaTokenError['reason'], v = verifier): Promise<EsiaTokenError> => {
    const error = await v.verifyAccessToken(await token).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EsiaTokenError);
    expect((error as EsiaTokenError).reason).toBe(reason);
    return error as EsiaTokenError;
  };

  it('accepts a good RS256 access token and reads oid, scopes, session and expiry', async () => {
    const t = await verifier.verifyAccessToken(signRs256Jwt(HEADER, accessClaims(), currentKey));
    expect(t.oid).toBe('1000123456');
    expect(t.scopes).toEqual(['openid', 'fullname', 'snils']);
    expect(t.sessionId).toBe('a'.repeat(64));
    expect(t.clientId).toBe(CLIENT);
    expect(t.expiresAt.getTime()).toBe((nowSec + 3590) * 1000);
  });

  it('accepts a GOST3410_2012_256 token (Streebog-256 over HEADER.PAYLOAD, 64 raw bytes, base64url)', async () => {
    const token = await gostToken(gostCurrent);
    expect(Buffer.from(token.split('.')[2], 'base64url')).toHaveLength(64);
    expect((await verifier.verifyAccessToken(token)).oid).toBe('1000123456');
  });

  it("GOST byte order: the same signature byte-reversed (CryptoPro CSP's raw order) or with its halves swapped is refused", async () => {
    const [h, p, s] = (await gostToken(gostCurrent)).split('.');
    const sig = Buffer.from(s, 'base64url');
    await refused(`${h}.${p}.${reverseBytes(sig).toString('base64url')}`, 'bad_signature');
    await refused(`${h}.${p}.${Buffer.concat([sig.subarray(32), sig.subarray(0, 32)]).toString('base64url')}`, 'bad_signature');
  });

  it('rotation: every certificate of the token algorithm is tried; PEM bundles and DER certificates count', async () => {
    expect((await verifier.verifyAccessToken(signRs256Jwt(HEADER, accessClaims(), next.keyPem))).oid).toBe('1000123456');
    const bundled = make([
      `${current.certPem}\n${next.certPem}`,
      certificateToDer(gostCurrent.certPem),
      certificateToDer(gostNext.certPem),
    ]);
    expect(bundled.trustedKeyCount).toBe(4);
    expect((await bundled.verifyAccessToken(signRs256Jwt(HEADER, accessClaims(), next.keyPem))).oid).toBe('1000123456');
    expect((await bundled.verifyAccessToken(await gostToken(gostNext))).oid).toBe('1000123456');
    // the GOST "next" certificate is not in the default verifier: its tokens fail there
    await refused(gostToken(gostNext), 'bad_signature');
  });

  it('a kid / x5t naming a certificate puts it first; a kid naming nothing known is only a hint', async () => {
    const certs = trustedCertificatesFrom(gostCurrent.certPem, gostNext.certPem);
    const nextDer = certificateToDer(gostNext.certPem);
    const sha256 = createHash('sha256').update(nextDer).digest();
    const serial = new X509Certificate(nextDer).serialNumber;
    for (const header of [{ kid: sha256.toString('hex').toUpperCase() }, { 'x5t#S256': sha256.toString('base64url') }, { kid: serial }]) {
      expect(orderByKeyHint(certs, header).map((c) => c.der.equals(nextDer))).toEqual([true, false]);
    }
    expect(orderByKeyHint(certs, { kid: 'no-such-key' })).toEqual(certs);
    const v = make([gostCurrent.certPem, gostNext.certPem]);
    expect((await v.verifyAccessToken(await gostToken(gostNext, accessClaims(), { ...GOST_HEADER, kid: 'no-such-key' }))).oid).toBe(
      '1000123456',
    );
  });

  it('refuses a token signed by an untrusted key, and a tampered payload', async () => {
    await refused(signRs256Jwt(HEADER, accessClaims(), stranger.keyPem), 'bad_signature');
    const good = signRs256Jwt(HEADER, accessClaims(), currentKey);
    const [h, , s] = good.split('.');
    const forged = Buffer.from(JSON.stringify(accessClaims({ 'urn:esia:sbj_id': 1 }))).toString('base64url');
    await refused(`${h}.${forged}.${s}`, 'bad_signature');
    await refused(`${h}.${good.split('.')[1]}.`, 'bad_signature');
    const [gh, , gs] = (await gostToken(gostCurrent)).split('.');
    await refused(`${gh}.${forged}.${gs}`, 'bad_signature');
  });

  it('refuses alg none (any case) and a missing alg', async () => {
    await refused(assembleJwt({ ...HEADER, alg: 'none' }, accessClaims()), 'alg_none');
    await refused(assembleJwt({ ...HEADER, alg: 'None' }, accessClaims()), 'alg_none');
    const { alg: _alg, ...noAlg } = HEADER;
    await refused(assembleJwt(noAlg, accessClaims(), Buffer.alloc(256)), 'alg_none');
  });

  it('refuses algorithms ESIA does not use, including HS256 with the certificate as a secret', async () => {
    await refused(assembleJwt({ ...HEADER, alg: 'HS256' }, accessClaims(), Buffer.alloc(32)), 'unsupported_alg');
    await refused(assembleJwt({ ...HEADER, alg: 'RS512' }, accessClaims(), Buffer.alloc(256)), 'unsupported_alg');
    await refused(assembleJwt({ ...HEADER, alg: 'GOST3410_2012_512' }, accessClaims(), Buffer.alloc(128)), 'unsupported_alg');
  });

  it('ESIA_TOKEN_ALGORITHMS: an ESIA algorithm left out is refused; an allowed one without a certificate says so', async () => {
    const rsaOnly = make([current.certPem, gostCurrent.certPem], { algorithms: ['RS256'] });
    const e = await refused(gostToken(gostCurrent), 'alg_not_allowed', rsaOnly);
    expect(e.observed).toEqual({ alg: 'GOST3410_2012_256', iss: ISSUER });
    expect((await rsaOnly.verifyAccessToken(signRs256Jwt(HEADER, accessClaims(), currentKey))).oid).toBe('1000123456');
    await refused(gostToken(gostCurrent), 'no_certificate_for_alg', make([current.certPem]));
    await refused(signRs256Jwt(HEADER, accessClaims(), currentKey), 'no_certificate_for_alg', make([gostCurrent.certPem]));
  });

  it('exp: 60 s leeway, then refused', async () => {
    expect((await verifier.verifyAccessToken(signRs256Jwt(HEADER, accessClaims({ exp: nowSec - 59 }), currentKey))).oid).toBe('1000123456');
    await refused(signRs256Jwt(HEADER, accessClaims({ exp: nowSec - 61 }), currentKey), 'expired');
    await refused(gostToken(gostCurrent, accessClaims({ exp: nowSec - 61 })), 'expired');
    await refused(signRs256Jwt(HEADER, accessClaims({ exp: undefined }), currentKey), 'malformed');
  });

  it('nbf / iat in the future beyond the leeway are refused', async () => {
    expect(
      (await verifier.verifyAccessToken(signRs256Jwt(HEADER, accessClaims({ nbf: nowSec + 59, iat: nowSec + 59 }), currentKey))).oid,
    ).toBe('1000123456');
    await refused(signRs256Jwt(HEADER, accessClaims({ nbf: nowSec + 61 }), currentKey), 'not_yet_valid');
    await refused(signRs256Jwt(HEADER, accessClaims({ iat: nowSec + 120, nbf: nowSec }), currentKey), 'not_yet_valid');
  });

  it('wrong issuer (the test stand seen from a production setup) and wrong client_id are refused', async () => {
    const e = await refused(
      signRs256Jwt(HEADER, accessClaims({ iss: 'http://esia-portal1.test.gosuslugi.ru/' }), currentKey),
      'wrong_issuer',
    );
    expect(e.observed.iss).toBe('http://esia-portal1.test.gosuslugi.ru/');
    await refused(gostToken(gostCurrent, accessClaims({ iss: 'http://esia-portal1.test.gosuslugi.ru/' })), 'wrong_issuer');
    await refused(signRs256Jwt(HEADER, accessClaims({ iss: undefined }), currentKey), 'wrong_issuer');
    await refused(signRs256Jwt(HEADER, accessClaims({ client_id: 'OTHERSYS' }), currentKey), 'wrong_audience');
  });

  it('needs a numeric subject id', async () => {
    await refused(signRs256Jwt(HEADER, accessClaims({ 'urn:esia:sbj_id': 'abc' }), currentKey), 'bad_subject');
    expect((await verifier.verifyAccessToken(signRs256Jwt(HEADER, accessClaims({ 'urn:esia:sbj_id': '42' }), currentKey))).oid).toBe('42');
  });

  it('refuses garbage', async () => {
    await refused('not-a-jwt', 'malformed');
    await refused('a.b.c', 'malformed');
  });

  it('id_token: checks aud and reads the trusted flag (RS256 and GOST)', async () => {
    const idClaims = {
      iss: ISSUER,
      aud: CLIENT,
      sub: 1000123456,
      iat: nowSec,
      nbf: nowSec,
      exp: nowSec + 10800,
      'urn:esia:sbj': { 'urn:esia:sbj:typ': 'P', 'urn:esia:sbj:oid': 1000123456, 'urn:esia:sbj:is_tru': true },
    };
    expect(await verifier.verifyIdToken(signRs256Jwt({ ...HEADER, sbt: 'id' }, idClaims, currentKey))).toMatchObject({
      oid: '1000123456',
      trusted: true,
    });
    expect(await verifier.verifyIdToken(await gostToken(gostCurrent, idClaims, { ...GOST_HEADER, sbt: 'id' }))).toMatchObject({
      oid: '1000123456',
      trusted: true,
    });
    await expect(verifier.verifyIdToken(signRs256Jwt(HEADER, { ...idClaims, aud: 'OTHER' }, currentKey))).rejects.toThrow(EsiaTokenError);
  });
});

describe('parseTrustedCertificates', () => {
  let dir: string;
  let rsa: TestKeyPair;
  let gost: TestKeyPair;
  let ecPem: string;

  beforeAll(async () => {
    dir = await createTestTempDir();
    [rsa, gost] = await Promise.all([generateRsaTestKeyPair(dir, 'rsa'), generateGostTestKeyPair(dir, 'gost')]);
    const ecKey = `${dir}/ec.key.pem`;
    await runOpenSslOrThrow('EC test key', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', ecKey]);
    ecPem = (
      await runOpenSslOrThrow('EC test cert', ['req', '-new', '-x509', '-key', ecKey, '-subj', '/CN=EC TEST ONLY', '-days', '2'])
    ).toString();
  });
  afterAll(() => removeTestDir(dir));

  it('classifies RSA → RS256 and GOST 2012-256 → GOST3410_2012_256, PEM or DER alike', () => {
    const { certificates, skipped } = parseTrustedCertificates([
      { source: 'RSA_PROD.cer', data: certificateToDer(rsa.certPem) },
      { source: 'GOST.pem', data: Buffer.from(gost.certPem) },
    ]);
    expect(skipped).toEqual([]);
    expect(certificates.map((c) => [c.source, c.alg, !!c.rsaKey])).toEqual([
      ['RSA_PROD.cer', 'RS256', true],
      ['GOST.pem', 'GOST3410_2012_256', false],
    ]);
    expect(certificates[1].validTo.getTime()).toBeGreaterThan(Date.now());
  });

  it('skips what cannot check ESIA tokens, with a reason, and keeps the rest', () => {
    const { certificates, skipped } = parseTrustedCertificates([
      { source: 'RSA.txt', data: Buffer.from('not a certificate') },
      { source: 'ec.pem', data: Buffer.from(ecPem) },
      { source: 'bundle.pem', data: Buffer.from(`${rsa.certPem}${gost.certPem}`) },
    ]);
    expect(skipped.map((s) => s.source)).toEqual(['RSA.txt', 'ec.pem']);
    expect(skipped[1].reason).toMatch(/checks neither RS256 nor GOST3410_2012_256/);
    expect(certificates.map((c) => c.source)).toEqual(['bundle.pem#1', 'bundle.pem#2']);
    expect(() => trustedCertificatesFrom('nothing')).toThrow(/none usable/);
  });
});

describe('parseGrantedScopes', () => {
  it('drops ?oid= suffixes and legacy URL prefixes', () => {
    expect(parseGrantedScopes('openid  fullname?oid=1 http://esia.gosuslugi.ru/usr_inf?oid=1 ')).toEqual(['openid', 'fullname', 'usr_inf']);
    expect(parseGrantedScopes('')).toEqual([]);
  });
});
