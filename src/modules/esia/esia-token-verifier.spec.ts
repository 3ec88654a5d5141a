import { createPrivateKey, KeyObject } from 'node:crypto';

import { createTestTempDir, generateGostTestKeyPair, generateRsaTestKeyPair, removeTestDir, TestKeyPair } from './crypto/test-keys';
import { EsiaTokenError, EsiaTokenVerifier, parseGrantedScopes } from './esia-token-verifier';
import { assembleJwt, JsonObject, signRs256Jwt } from './jwt';

const ISSUER = 'http://esia.gosuslugi.ru/';
const CLIENT = 'TESTSYS01';
const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);
const nowSec = NOW / 1000;
const HEADER = { ver: 1, typ: 'JWT', sbt: 'access', alg: 'RS256' };

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
  let currentKey: KeyObject;
  let verifier: EsiaTokenVerifier;

  beforeAll(async () => {
    dir = await createTestTempDir();
    [current, next, stranger] = await Promise.all([
      generateRsaTestKeyPair(dir, 'ESIA current'),
      generateRsaTestKeyPair(dir, 'ESIA next'),
      generateRsaTestKeyPair(dir, 'Somebody else'),
    ]);
    currentKey = createPrivateKey(current.keyPem);
    verifier = new EsiaTokenVerifier({ trustedCertificates: [current.certPem, next.certPem], issuer: ISSUER, clientId: CLIENT, now: () => NOW });
  });
  afterAll(() => removeTestDir(dir));

  const refused = (token: string, reason: EsiaTokenError['reason']): void => {
    let error: unknown;
    try {
      verifier.verifyAccessToken(token);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EsiaTokenError);
    expect((error as EsiaTokenError).reason).toBe(reason);
  };

  it('accepts a good ESIA access token and reads oid, scopes, session and expiry', () => {
    const t = verifier.verifyAccessToken(signRs256Jwt(HEADER, accessClaims(), currentKey));
    expect(t.oid).toBe('1000123456');
    expect(t.scopes).toEqual(['openid', 'fullname', 'snils']);
    expect(t.sessionId).toBe('a'.repeat(64));
    expect(t.clientId).toBe(CLIENT);
    expect(t.expiresAt.getTime()).toBe((nowSec + 3590) * 1000);
  });

  it('rotation: a token signed with the second trusted certificate passes; a PEM bundle counts every block', () => {
    expect(verifier.verifyAccessToken(signRs256Jwt(HEADER, accessClaims(), next.keyPem)).oid).toBe('1000123456');
    const bundled = new EsiaTokenVerifier({ trustedCertificates: [`${current.certPem}\n${next.certPem}`], issuer: ISSUER, clientId: CLIENT, now: () => NOW });
    expect(bundled.trustedKeyCount).toBe(2);
    expect(bundled.verifyAccessToken(signRs256Jwt(HEADER, accessClaims(), next.keyPem)).oid).toBe('1000123456');
  });

  it('refuses a token signed by an untrusted key, and a tampered payload', () => {
    refused(signRs256Jwt(HEADER, accessClaims(), stranger.keyPem), 'bad_signature');
    const good = signRs256Jwt(HEADER, accessClaims(), currentKey);
    const [h, , s] = good.split('.');
    const forged = Buffer.from(JSON.stringify(accessClaims({ 'urn:esia:sbj_id': 1 }))).toString('base64url');
    refused(`${h}.${forged}.${s}`, 'bad_signature');
    refused(`${h}.${good.split('.')[1]}.`, 'bad_signature');
  });

  it('refuses alg none (any case) and a missing alg', () => {
    refused(assembleJwt({ ...HEADER, alg: 'none' }, accessClaims()), 'alg_none');
    refused(assembleJwt({ ...HEADER, alg: 'None' }, accessClaims()), 'alg_none');
    const { alg: _alg, ...noAlg } = HEADER;
    refused(assembleJwt(noAlg, accessClaims(), Buffer.alloc(256)), 'alg_none');
  });

  it('refuses unknown algorithms, including HS256 with the certificate as a secret and GOST', () => {
    refused(assembleJwt({ ...HEADER, alg: 'HS256' }, accessClaims(), Buffer.alloc(32)), 'unsupported_alg');
    refused(assembleJwt({ ...HEADER, alg: 'GOST3410_2012_256' }, accessClaims(), Buffer.alloc(64)), 'unsupported_alg');
    refused(assembleJwt({ ...HEADER, alg: 'RS512' }, accessClaims(), Buffer.alloc(256)), 'unsupported_alg');
  });

  it('exp: 60 s leeway, then refused', () => {
    expect(verifier.verifyAccessToken(signRs256Jwt(HEADER, accessClaims({ exp: nowSec - 59 }), currentKey)).oid).toBe('1000123456');
    refused(signRs256Jwt(HEADER, accessClaims({ exp: nowSec - 61 }), currentKey), 'expired');
    refused(signRs256Jwt(HEADER, accessClaims({ exp: undefined }), currentKey), 'malformed');
  });

  it('nbf / iat in the future beyond the leeway are refused', () => {
    expect(verifier.verifyAccessToken(signRs256Jwt(HEADER, accessClaims({ nbf: nowSec + 59, iat: nowSec + 59 }), currentKey)).oid).toBe('1000123456');
    refused(signRs256Jwt(HEADER, accessClaims({ nbf: nowSec + 61 }), currentKey), 'not_yet_valid');
    refused(signRs256Jwt(HEADER, accessClaims({ iat: nowSec + 120, nbf: nowSec }), currentKey), 'not_yet_valid');
  });

  it('wrong issuer and wrong client_id are refused', () => {
    refused(signRs256Jwt(HEADER, accessClaims({ iss: 'http://esia-portal1.test.gosuslugi.ru/' }), currentKey), 'wrong_issuer');
    refused(signRs256Jwt(HEADER, accessClaims({ iss: undefined }), currentKey), 'wrong_issuer');
    refused(signRs256Jwt(HEADER, accessClaims({ client_id: 'OTHERSYS' }), currentKey), 'wrong_audience');
  });

  it('needs a numeric subject id', () => {
    refused(signRs256Jwt(HEADER, accessClaims({ 'urn:esia:sbj_id': 'abc' }), currentKey), 'bad_subject');
    expect(verifier.verifyAccessToken(signRs256Jwt(HEADER, accessClaims({ 'urn:esia:sbj_id': '42' }), currentKey)).oid).toBe('42');
  });

  it('refuses garbage', () => {
    refused('not-a-jwt', 'malformed');
    refused('a.b.c', 'malformed');
  });

  it('id_token: checks aud and reads the trusted flag', () => {
    const idClaims = {
      iss: ISSUER,
      aud: CLIENT,
      sub: 1000123456,
      iat: nowSec,
      nbf: nowSec,
      exp: nowSec + 10800,
      'urn:esia:sbj': { 'urn:esia:sbj:typ': 'P', 'urn:esia:sbj:oid': 1000123456, 'urn:esia:sbj:is_tru': true },
    };
    const id = verifier.verifyIdToken(signRs256Jwt({ ...HEADER, sbt: 'id' }, idClaims, currentKey));
    expect(id).toMatchObject({ oid: '1000123456', trusted: true });
    expect(() => verifier.verifyIdToken(signRs256Jwt(HEADER, { ...idClaims, aud: 'OTHER' }, currentKey))).toThrow(EsiaTokenError);
  });

  it('only RSA certificates can be trusted (RS256)', async () => {
    const gost = await generateGostTestKeyPair(dir, 'gost');
    expect(() => new EsiaTokenVerifier({ trustedCertificates: [gost.certPem], issuer: ISSUER, clientId: CLIENT })).toThrow(/only RSA/);
    expect(() => new EsiaTokenVerifier({ trustedCertificates: ['nothing'], issuer: ISSUER, clientId: CLIENT })).toThrow(/no PEM/);
  });
});

describe('parseGrantedScopes', () => {
  it('drops ?oid= suffixes and legacy URL prefixes', () => {
    expect(parseGrantedScopes('openid  fullname?oid=1 http://esia.gosuslugi.ru/usr_inf?oid=1 ')).toEqual(['openid', 'fullname', 'usr_inf']);
    expect(parseGrantedScopes('')).toEqual([]);
  });
});
