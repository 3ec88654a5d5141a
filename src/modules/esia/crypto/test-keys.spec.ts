import { createPrivateKey, createSign, X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';

import { createTestTempDir, generateGostTestKeyPair, generateRsaTestKeyPair, removeTestDir, TEST_CERT_ORGANIZATION } from './test-keys';

describe('test key generation', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await createTestTempDir();
  });
  afterAll(async () => {
    await removeTestDir(dir);
  });

  const mode = (p: string): number => statSync(p).mode & 0o777;

  it('GOST pair: 0600 files, TEST-marked self-signed certificate, escaped/UTF-8 CN', async () => {
    const cn = 'Школа №1 / TEST+1';
    const pair = await generateGostTestKeyPair(dir, cn, { name: 'school1' });
    expect(pair.keyPath).toBe(`${dir}/school1.gost.key.pem`);
    expect(mode(pair.keyPath)).toBe(0o600);
    expect(mode(pair.certPath)).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
    expect(pair.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const cert = new X509Certificate(pair.certPem);
    expect(cert.subject).toContain(`O=${TEST_CERT_ORGANIZATION}`);
    // Stored verbatim as one UTF-8 CN; Node prints '+' RFC 2253-escaped.
    expect(cert.subject).toContain('CN=Школа №1 / TEST\\+1');
    expect(cert.subject.split('\n')).toHaveLength(3);
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(false);
  });

  it('RSA pair: 2048-bit key matching its SHA-256 self-signed certificate', async () => {
    const pair = await generateRsaTestKeyPair(dir, 'ESIA-EMULATOR');
    expect(mode(pair.keyPath)).toBe(0o600);
    const key = createPrivateKey(pair.keyPem);
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const cert = new X509Certificate(pair.certPem);
    expect(cert.checkPrivateKey(key)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.subject).toContain(TEST_CERT_ORGANIZATION);
    const sig = createSign('RSA-SHA256').update('payload').sign(key);
    expect(cert.publicKey.type).toBe('public');
    expect(sig).toHaveLength(256);
  });

  it('rejects unusable common names', async () => {
    await expect(generateGostTestKeyPair(dir, '')).rejects.toThrow(TypeError);
    await expect(generateGostTestKeyPair(dir, 'a\nb')).rejects.toThrow(TypeError);
  });
});
