import { execFileSync } from 'node:child_process';

import { buildV2AuthorizationSigningString, buildV3TokenSigningString } from './esia-signing-strings';
import { decodeFlexibleBase64, encodeBase64Url } from './encoding';
import { verifyGostSignature } from './gost-verify';
import { OpenSslError, streebog256 } from './openssl';
import { OpenSslGostSigner } from './openssl-gost-signer';
import { ESIA_SIGNER, reverseBytes, signClientSecret } from './signer';
import { createTestTempDir, generateGostTestKeyPair, removeTestDir, TestKeyPair } from './test-keys';

/** Independent computation through a shell pipeline, as an operator would do it by hand. */
function shellHash(cmd: string, certPath: string): string {
  const out = execFileSync('/bin/sh', ['-c', cmd, 'sh', certPath], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  return out.trim().split(/\s+/)[0].toUpperCase();
}

describe('OpenSslGostSigner + verifyGostSignature (real GOST via openssl gost engine)', () => {
  let dir: string;
  let a: TestKeyPair;
  let b: TestKeyPair;
  let signer: OpenSslGostSigner;

  const message = buildV2AuthorizationSigningString({
    clientId: 'TESTSYS01',
    scope: 'openid fullname email',
    timestamp: '2025.03.14 10:20:30 +0300',
    state: '5b0f6a3e-8d2c-4f51-9a7e-2c1d0e9b4a10',
    redirectUri: 'https://app.example.test/esia/callback',
  });

  beforeAll(async () => {
    dir = await createTestTempDir();
    [a, b] = await Promise.all([generateGostTestKeyPair(dir, 'TESTSYS01'), generateGostTestKeyPair(dir, 'OTHERSYS')]);
    signer = new OpenSslGostSigner({ keyPath: a.keyPath, certPath: a.certPath });
  });

  afterAll(async () => {
    await removeTestDir(dir);
  });

  it('exports a DI token', () => {
    expect(typeof ESIA_SIGNER).toBe('symbol');
  });

  it('signs to a raw 64-byte signature that verifies with the certificate (PEM text and DER)', async () => {
    const sig = await signer.sign(message);
    expect(sig).toHaveLength(64);
    expect(await verifyGostSignature(message, sig, a.certPem)).toBe(true);
    expect(await verifyGostSignature(Buffer.from(message, 'utf8'), sig, await signer.certificateDer())).toBe(true);
  });

  it('accepts the signature as base64url (padded or not) and standard base64', async () => {
    const sig = await signer.sign(message);
    for (const encoded of [encodeBase64Url(sig), `${sig.toString('base64url')}==`, sig.toString('base64')]) {
      expect(await verifyGostSignature(message, encoded, a.certPem)).toBe(true);
    }
    const secret = await signClientSecret(signer, message);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(await verifyGostSignature(message, secret, a.certPem)).toBe(true);
  });

  it('signs UTF-8 (Cyrillic) strings; GOST signatures are randomised yet both verify', async () => {
    const text = buildV3TokenSigningString({
      clientId: 'ШКОЛА01',
      scope: 'openid',
      timestamp: '2025.03.14 10:20:30 +0300',
      state: 'e4a1c0de-1111-4222-8333-944455556666',
      redirectUri: 'https://дневник.example.test/cb',
      code: 'код',
    });
    const [s1, s2] = await Promise.all([signer.sign(text), signer.sign(text)]);
    expect(s1.equals(s2)).toBe(false);
    expect(await verifyGostSignature(text, s1, a.certPem)).toBe(true);
    expect(await verifyGostSignature(text, s2, a.certPem)).toBe(true);
    expect(await verifyGostSignature(Buffer.from(text, 'latin1'), s1, a.certPem)).toBe(false);
  });

  it('rejects a tampered message, a tampered signature and wrong-length/undecodable signatures', async () => {
    const sig = await signer.sign(message);
    expect(await verifyGostSignature(`${message}x`, sig, a.certPem)).toBe(false);
    expect(await verifyGostSignature(message.replace('TESTSYS01', 'TESTSYS02'), sig, a.certPem)).toBe(false);
    const flipped = Buffer.from(sig);
    flipped[10] ^= 0x01;
    expect(await verifyGostSignature(message, flipped, a.certPem)).toBe(false);
    expect(await verifyGostSignature(message, sig.subarray(0, 63), a.certPem)).toBe(false);
    expect(await verifyGostSignature(message, Buffer.concat([sig, Buffer.from([0])]), a.certPem)).toBe(false);
    expect(await verifyGostSignature(message, 'not*base64', a.certPem)).toBe(false);
    expect(await verifyGostSignature(message, Buffer.alloc(64, 0xff), a.certPem)).toBe(false); // r,s > q
  });

  it('rejects a signature made with another key, and a valid signature checked against another certificate', async () => {
    const other = new OpenSslGostSigner({ keyPath: b.keyPath, certPath: b.certPath });
    const sigB = await other.sign(message);
    expect(await verifyGostSignature(message, sigB, a.certPem)).toBe(false);
    expect(await verifyGostSignature(message, sigB, b.certPem)).toBe(true);
    expect(await verifyGostSignature(message, await signer.sign(message), b.certPem)).toBe(false);
  });

  it('byte order: the CSP (little-endian) mirror image does not verify; reverseBytes restores it', async () => {
    const sig = await signer.sign(message);
    const csp = reverseBytes(sig);
    expect(csp.equals(sig)).toBe(false);
    expect(sig[0]).toBe(csp[63]);
    expect(await verifyGostSignature(message, csp, a.certPem)).toBe(false);
    expect(await verifyGostSignature(message, reverseBytes(csp), a.certPem)).toBe(true);
  });

  it('certificate hash: 64 upper-case hex, cached/stable, equals an independent DER pipeline, differs from the PEM-text hash', async () => {
    const hash = await signer.certificateHashHex();
    expect(hash).toMatch(/^[0-9A-F]{64}$/);
    expect(await signer.certificateHashHex()).toBe(hash);
    expect(await new OpenSslGostSigner({ keyPath: a.keyPath, certPath: a.certPath }).certificateHashHex()).toBe(hash);

    const derPipeline = shellHash(
      'openssl x509 -in "$1" -outform DER | openssl dgst -engine gost -md_gost12_256 -r 2>/dev/null',
      a.certPath,
    );
    expect(hash).toBe(derPipeline);
    const pemText = shellHash('openssl dgst -engine gost -md_gost12_256 -r < "$1" 2>/dev/null', a.certPath);
    expect(pemText).toMatch(/^[0-9A-F]{64}$/);
    expect(hash).not.toBe(pemText);

    expect(await new OpenSslGostSigner({ keyPath: b.keyPath, certPath: b.certPath }).certificateHashHex()).not.toBe(hash);
  });

  it('selfTest passes for a matching pair and fails for a key/certificate mismatch', async () => {
    await expect(signer.selfTest()).resolves.toBeUndefined();
    await expect(new OpenSslGostSigner({ keyPath: b.keyPath, certPath: a.certPath }).selfTest()).rejects.toThrow(/does not match/);
  });

  it('signs with a passphrase-protected key (passphrase via env, never in errors)', async () => {
    const encPath = `${dir}/enc.gost.key.pem`;
    execFileSync('openssl', ['pkey', '-engine', 'gost', '-in', a.keyPath, '-aes-256-cbc', '-passout', 'env:PW', '-out', encPath], {
      env: { ...process.env, PW: 'correct horse' },
      stdio: 'ignore',
    });
    const enc = new OpenSslGostSigner({ keyPath: encPath, certPath: a.certPath, keyPassphrase: 'correct horse' });
    expect(await verifyGostSignature(message, await enc.sign(message), a.certPem)).toBe(true);

    const wrong = new OpenSslGostSigner({ keyPath: encPath, certPath: a.certPath, keyPassphrase: 'hunter2-wrong' });
    const err = await wrong.sign('SECRET-PAYLOAD-42').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenSslError);
    expect((err as Error).message).toMatch(/^GOST signing failed/);
    expect((err as Error).message).not.toContain('hunter2-wrong');
    expect((err as Error).message).not.toContain('SECRET-PAYLOAD-42');
  });

  it('fails with a clear OpenSslError (openssl stderr included) for an unreadable key', async () => {
    const broken = new OpenSslGostSigner({ keyPath: `${dir}/missing.pem`, certPath: a.certPath });
    const err = (await broken.sign('SECRET-PAYLOAD-43').catch((e: unknown) => e)) as OpenSslError;
    expect(err).toBeInstanceOf(OpenSslError);
    expect(err.exitCode).not.toBe(0);
    expect(err.message).toMatch(/GOST signing failed \(openssl exit code \d+\): .*missing\.pem/s);
    expect(err.message).not.toContain('SECRET-PAYLOAD-43');
    expect(err.message).not.toContain('Engine "gost" set.');
  });

  it('streebog256 matches the GOST R 34.11-2012 reference vectors', async () => {
    expect((await streebog256('')).toString('hex')).toBe('3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb');
    expect((await streebog256('012345678901234567890123456789012345678901234567890123456789012')).toString('hex')).toBe(
      '9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500',
    );
  });

  it('decodeFlexibleBase64 is re-exported for the emulator', () => {
    expect(decodeFlexibleBase64('AA')?.equals(Buffer.from([0]))).toBe(true);
  });
});
