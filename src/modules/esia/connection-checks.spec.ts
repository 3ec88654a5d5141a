import { checkIssuer, checkTrustedCertificates, describeRefusal } from './connection-checks';
import { certificateToDer } from './crypto';
import { createTestTempDir, generateGostTestKeyPair, generateRsaTestKeyPair, removeTestDir, TestKeyPair } from './crypto/test-keys';
import { parseTrustedCertificates } from './token-certificates';

describe('connection test checks', () => {
  it('issuer: the test stand with the production issuer is a wrong_issuer; known pairs and other hosts pass', () => {
    expect(checkIssuer({ baseUrl: 'https://esia-portal1.test.gosuslugi.ru', issuer: 'http://esia.gosuslugi.ru/' })).toMatchObject({
      ok: false,
      problem: 'wrong_issuer',
      detail: expect.stringContaining('http://esia-portal1.test.gosuslugi.ru/'),
    });
    expect(checkIssuer({ baseUrl: 'https://esia.gosuslugi.ru', issuer: 'http://esia-portal1.test.gosuslugi.ru/' })).toMatchObject({
      ok: false,
      problem: 'wrong_issuer',
    });
    expect(checkIssuer({ baseUrl: 'https://esia-portal1.test.gosuslugi.ru', issuer: 'http://esia-portal1.test.gosuslugi.ru/' }).ok).toBe(
      true,
    );
    expect(checkIssuer({ baseUrl: 'http://127.0.0.1:3000/esia-emulator', issuer: 'http://esia.gosuslugi.ru/' }).ok).toBe(true);
  });

  describe('trusted certificates', () => {
    let dir: string;
    let rsa: TestKeyPair;
    let gost: TestKeyPair;
    beforeAll(async () => {
      dir = await createTestTempDir();
      [rsa, gost] = await Promise.all([
        generateRsaTestKeyPair(dir, 'rsa', { days: 30 }),
        generateGostTestKeyPair(dir, 'gost', { days: 30 }),
      ]);
    });
    afterAll(() => removeTestDir(dir));

    const loaded = (...files: Array<[string, Buffer | string]>) =>
      parseTrustedCertificates(files.map(([source, data]) => ({ source, data: Buffer.from(data) })));
    /** A moment after the certificates were made (their validity starts at generation, to the second). */
    let now: Date;
    beforeAll(() => {
      now = new Date(Date.now() + 2_000);
    });

    it('both algorithms covered by valid certificates: ok, with counts', () => {
      const r = checkTrustedCertificates(
        loaded(['RSA_PROD.cer', certificateToDer(rsa.certPem)], ['GOST_PROD.cer', certificateToDer(gost.certPem)]),
        ['RS256', 'GOST3410_2012_256'],
        now,
      );
      expect(r).toMatchObject({ ok: true });
      expect(r.detail).toMatch(/RS256: 1, действующих 1 .*GOST3410_2012_256: 1, действующих 1/);
    });

    it('an allowed algorithm without a certificate, an expired set, an unreadable file', () => {
      expect(checkTrustedCertificates(loaded(['rsa.pem', rsa.certPem]), ['RS256', 'GOST3410_2012_256'], now)).toMatchObject({
        ok: false,
        problem: 'no_certificate_for_algorithm',
        detail: expect.stringContaining('нет сертификата для GOST3410_2012_256'),
      });
      const later = new Date(Date.now() + 60 * 86_400_000);
      expect(checkTrustedCertificates(loaded(['rsa.pem', rsa.certPem]), ['RS256'], later)).toMatchObject({
        ok: false,
        problem: 'certificate_expired',
      });
      expect(checkTrustedCertificates(loaded(['rsa.pem', rsa.certPem], ['RSA.txt', 'hello']), ['RS256'], now)).toMatchObject({
        ok: false,
        problem: 'certificate_unreadable',
        detail: expect.stringContaining('RSA.txt не годится'),
      });
      expect(checkTrustedCertificates(new Error('ENOENT: /etc/esia'), ['RS256'], now)).toMatchObject({
        ok: false,
        problem: 'certificate_unreadable',
      });
    });

    it('certificates of an algorithm not allowed are named as unused, not as a failure', () => {
      const r = checkTrustedCertificates(loaded(['rsa.pem', rsa.certPem], ['gost.pem', gost.certPem]), ['RS256'], now);
      expect(r.ok).toBe(true);
      expect(r.detail).toContain('не используются (алгоритм не разрешён): gost.pem');
    });
  });

  it('a recorded refusal names its problem: wrong issuer, wrong algorithm, bad signature, other', () => {
    const c = { issuer: 'http://esia.gosuslugi.ru/', tokenAlgorithms: ['RS256' as const] };
    const at = '2026-01-15T10:20:30.000Z';
    expect(describeRefusal({ at, reason: 'wrong_issuer', iss: 'http://esia-portal1.test.gosuslugi.ru/', settings: 'x' }, c)).toEqual({
      problem: 'wrong_issuer',
      detail:
        'Последний отказ 2026-01-15 10:20 UTC: токен ЕСИА выдан издателем http://esia-portal1.test.gosuslugi.ru/, а ожидается http://esia.gosuslugi.ru/ (ESIA_ISSUER)',
    });
    expect(describeRefusal({ at, reason: 'alg_not_allowed', alg: 'GOST3410_2012_256', settings: 'x' }, c)).toMatchObject({
      problem: 'wrong_algorithm',
      detail: expect.stringContaining('подписан алгоритмом GOST3410_2012_256, а разрешены RS256'),
    });
    expect(describeRefusal({ at, reason: 'no_certificate_for_alg', alg: 'GOST3410_2012_256', settings: 'x' }, c).problem).toBe(
      'wrong_algorithm',
    );
    expect(describeRefusal({ at, reason: 'bad_signature', alg: 'RS256', settings: 'x' }, c)).toMatchObject({
      problem: 'bad_signature',
      detail: expect.stringContaining('esia.zip'),
    });
    expect(describeRefusal({ at, reason: 'expired', settings: 'x' }, c).problem).toBe('token_rejected');
  });
});
