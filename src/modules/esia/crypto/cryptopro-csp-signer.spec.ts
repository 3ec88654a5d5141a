import { access } from 'node:fs/promises';
import { join } from 'node:path';

import { CryptoProCspSigner, CryptoProError } from './cryptopro-csp-signer';
import { CsptestStandIn, writeCsptestStandIn } from './csptest-stand-in';
import { verifyGostSignature } from './gost-verify';
import { OpenSslGostSigner } from './openssl-gost-signer';
import { reverseBytes, signClientSecret } from './signer';
import { createTestTempDir, generateGostTestKeyPair, removeTestDir, TestKeyPair } from './test-keys';

/**
 * CryptoPro CSP cannot run here: these tests drive the signer against a stand-in `csptest` (a node
 * script written by the test, see csptest-stand-in.ts) that records its argv and signs like csptest
 * does — GOST R 34.10-2012 over Streebog-256, 64 bytes in CryptoAPI's little-endian order.
 */
describe('CryptoProCspSigner (against a csptest stand-in)', () => {
  let dir: string;
  let pair: TestKeyPair;
  let csptest: CsptestStandIn;
  const container = '\\\\.\\HDIMAGE\\diary-test';
  const pin = 'test-pin-1234';
  const message = 'DIARYTESTopenid fullname2026.01.15 10:00:00 +00005b0f6a3e-8d2c-4f51-9a7e-2c1d0e9b4a10https://diary.example.test/cb';

  const signer = (o: Partial<ConstructorParameters<typeof CryptoProCspSigner>[0]> = {}) =>
    new CryptoProCspSigner({ csptestPath: csptest.path, container, pin, certPath: pair.certPath, ...o });

  beforeAll(async () => {
    dir = await createTestTempDir('esia-csptest-');
    pair = await generateGostTestKeyPair(dir, 'CSP CONTAINER (TEST)');
    csptest = await writeCsptestStandIn(dir, pair.keyPath);
  });
  afterEach(() => csptest.setMode('sign'));
  afterAll(() => removeTestDir(dir));

  it('runs `csptest -keyset -sign GOST12_256 -container … -keytype exchange -in … -out … -password …`', async () => {
    const before = (await csptest.calls()).length;
    await signer().sign(message);
    const argv = (await csptest.calls())[before];
    expect(argv.slice(0, 7)).toEqual(['-keyset', '-sign', 'GOST12_256', '-container', container, '-keytype', 'exchange']);
    expect(argv[7]).toBe('-in');
    expect(argv[9]).toBe('-out');
    expect(argv.slice(11)).toEqual(['-password', pin]);
    // the data and signature files lived in a private temp directory that is gone now
    await expect(access(argv[8])).rejects.toThrow();
    await expect(access(argv[10])).rejects.toThrow();
  });

  it("csptest sees only PATH, HOME, locale and temp settings of the service's environment, no secrets", async () => {
    await signer().sign(message);
    const seen = await csptest.lastEnv();
    expect(seen.filter((k) => !['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'LD_LIBRARY_PATH'].includes(k))).toEqual([]);
    expect(seen).toContain('PATH');
  });

  it('without a PIN there is no -password; the signature key can be chosen', async () => {
    const before = (await csptest.calls()).length;
    await signer({ pin: null, keyType: 'signature' }).sign(message);
    const argv = (await csptest.calls())[before];
    expect(argv).not.toContain('-password');
    expect(argv.slice(5, 7)).toEqual(['-keytype', 'signature']);
  });

  it("byte-reverses CSP's little-endian signature into OpenSSL's order, which verifies against the certificate", async () => {
    const signature = await signer().sign(message);
    expect(signature).toHaveLength(64);
    expect(await verifyGostSignature(message, signature, pair.certPem)).toBe(true);
    // unreversed (what csptest wrote) it would not verify: the reversal is what makes it right
    expect(await verifyGostSignature(message, reverseBytes(signature), pair.certPem)).toBe(false);
    expect(await signClientSecret(signer(), message)).toMatch(/^[A-Za-z0-9_-]{86}$/);
  });

  it('client_certificate_hash is the same as with the OpenSSL signer (Streebog-256 of the certificate DER)', async () => {
    const expected = await new OpenSslGostSigner({ keyPath: pair.keyPath, certPath: pair.certPath }).certificateHashHex();
    expect(await signer().certificateHashHex()).toBe(expected);
  });

  it('a failing csptest: exit code, CSP ErrorCode and output in the error, the PIN blanked', async () => {
    await csptest.setMode('fail');
    const e = await signer()
      .sign(message)
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(CryptoProError);
    expect(e).toMatchObject({ exitCode: 1, cspErrorCode: '0x8009001f' });
    expect((e as Error).message).toMatch(/^csptest -keyset -sign failed \(exit code 1, ErrorCode 0x8009001f\): .*An error occurred/);
    expect((e as Error).message).toContain('Error number 0x8009001f'); // stderr too
    expect((e as Error).message).not.toContain(pin);
    expect((e as Error).message).not.toContain(message);
  });

  it('a csptest that hangs is killed after timeoutMs', async () => {
    await csptest.setMode('hang');
    await expect(signer({ timeoutMs: 300 }).sign(message)).rejects.toThrow(/csptest -keyset -sign timed out after 300 ms/);
  });

  it('a missing csptest says where it was looked for', async () => {
    await expect(signer({ csptestPath: join(dir, 'no-such-csptest') }).sign(message)).rejects.toThrow(
      /csptest not found at ".*no-such-csptest": install CryptoPro CSP/,
    );
  });

  it('a signature that is not 64 bytes is refused', async () => {
    await csptest.setMode('short');
    await expect(signer().sign(message)).rejects.toThrow(/expected a 64-byte signature, got 10 bytes/);
  });

  it('refuses incomplete options', () => {
    expect(() => new CryptoProCspSigner({ csptestPath: '', container, certPath: 'x' })).toThrow(/csptestPath/);
    expect(() => new CryptoProCspSigner({ csptestPath: 'csptest', container: '', certPath: 'x' })).toThrow(/container/);
  });
});
