import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import {
  certificateToDer,
  computeCertificateHashHex,
  derToPem,
  OID_GOST_2012_256,
  publicKeyAlgorithmOid,
  publicKeyPemFromCertificate,
} from './certificate';
import { verifyGostSignature } from './gost-verify';
import { createTestTempDir, generateGostTestKeyPair, generateRsaTestKeyPair, removeTestDir, TestKeyPair } from './test-keys';

describe('certificate helpers', () => {
  let dir: string;
  let gost: TestKeyPair;
  let rsa: TestKeyPair;

  beforeAll(async () => {
    dir = await createTestTempDir();
    [gost, rsa] = await Promise.all([generateGostTestKeyPair(dir, 'TESTSYS01'), generateRsaTestKeyPair(dir, 'ESIA-EMULATOR')]);
  });
  afterAll(async () => {
    await removeTestDir(dir);
  });

  it('PEM → DER equals what `openssl x509 -outform DER` produces; DER input passes through', () => {
    const der = certificateToDer(gost.certPem);
    const opensslDer = execFileSync('openssl', ['x509', '-in', gost.certPath, '-outform', 'DER']);
    expect(der.equals(opensslDer)).toBe(true);
    expect(certificateToDer(opensslDer).equals(der)).toBe(true);
    expect(certificateToDer(Buffer.from(gost.certPem)).equals(der)).toBe(true);
    expect(derToPem(der, 'CERTIFICATE').replace(/\s/g, '')).toBe(gost.certPem.replace(/\s/g, ''));
  });

  it('rejects things that are not certificates', () => {
    expect(() => certificateToDer('hello')).toThrow(/no PEM CERTIFICATE/);
    expect(() => certificateToDer(gost.keyPem)).toThrow(/no PEM CERTIFICATE/);
    expect(() => certificateToDer('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----')).toThrow(/base64/);
    expect(() => certificateToDer(Buffer.from([0x30, 0x05, 0x01]))).toThrow(/truncated/);
  });

  it('extracts the public key exactly like `openssl x509 -engine gost -pubkey`', () => {
    const expected = execFileSync('openssl', ['x509', '-engine', 'gost', '-in', gost.certPath, '-pubkey', '-noout'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    expect(publicKeyPemFromCertificate(gost.certPem)).toBe(expected);
  });

  it('reports the public key algorithm OID', () => {
    expect(publicKeyAlgorithmOid(gost.certPem)).toBe(OID_GOST_2012_256);
    expect(publicKeyAlgorithmOid(rsa.certPem)).toBe('1.2.840.113549.1.1.1');
  });

  it('computeCertificateHashHex: same value for PEM text, PEM bytes and DER', async () => {
    const fromPem = await computeCertificateHashHex(gost.certPem);
    expect(fromPem).toMatch(/^[0-9A-F]{64}$/);
    expect(await computeCertificateHashHex(readFileSync(gost.certPath))).toBe(fromPem);
    expect(await computeCertificateHashHex(certificateToDer(gost.certPem))).toBe(fromPem);
  });

  it('verifyGostSignature refuses a non-GOST certificate loudly', async () => {
    await expect(verifyGostSignature('x', Buffer.alloc(64), rsa.certPem)).rejects.toThrow(/expected GOST R 34\.10-2012 256/);
  });
});
