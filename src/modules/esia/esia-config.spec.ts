import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  ConfigValidationError,
  ESIA_DEFAULT_ISSUER,
  ESIA_DEFAULT_SCOPES,
  ESIA_TEST_STAND_ISSUER,
  esiaIssuerFor,
  loadConfig,
} from '../../config/app-config';

/** The ESIA block of loadConfig (kept here, beside the module it configures). */
describe('loadConfig: ESIA', () => {
  const problems = (env: Record<string, string>): string => {
    try {
      loadConfig(env);
    } catch (e) {
      if (e instanceof ConfigValidationError) return e.problems.join('\n');
      throw e;
    }
    return '';
  };

  it('development/test: emulator on by default, client pointed at it with generated TEST key paths', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const c = loadConfig({ NODE_ENV, PORT: '4100' });
      expect(c.esiaEmulator).not.toBeNull();
      expect(c.esia).toMatchObject({
        baseUrl: 'http://127.0.0.1:4100/esia-emulator',
        redirectUri: 'http://127.0.0.1:4100/api/v1/auth/esia/callback',
        scopes: ESIA_DEFAULT_SCOPES,
        issuer: ESIA_DEFAULT_ISSUER,
        timeoutMs: 10000,
      });
      expect(c.esia!.keyPath).toMatch(/diary-client\.gost\.key\.pem$/);
      expect(c.esia!.signer).toEqual({ kind: 'openssl' });
      expect(c.esia!.tokenAlgorithms).toEqual(['RS256', 'GOST3410_2012_256']);
      // the client trusts both emulator token certificates, whichever algorithm the emulator signs with
      expect(c.esia!.trustedCertPaths).toEqual([
        c.esiaEmulator!.tokenKeys.RS256.certPath,
        c.esiaEmulator!.tokenKeys.GOST3410_2012_256.certPath,
      ]);
      expect(c.esiaEmulator!.tokenAlgorithm).toBe('RS256');
      expect(c.frontendUrl).toBe('http://127.0.0.1:4100');
    }
    expect(loadConfig({ ESIA_BASE_URL: 'https://esia.example.test/', ESIA_SCOPES: 'openid   fullname' }).esia).toMatchObject({
      baseUrl: 'https://esia.example.test',
      scopes: 'openid fullname',
    });
  });

  it('emulator token algorithm and key override (ESIA_EMULATOR_TOKEN_*)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'esia-config-'));
    try {
      for (const f of ['k.pem', 'c.pem']) writeFileSync(join(dir, f), 'x');
      const c = loadConfig({
        ESIA_EMULATOR_TOKEN_ALG: 'GOST3410_2012_256',
        ESIA_EMULATOR_TOKEN_KEY_PATH: join(dir, 'k.pem'),
        ESIA_EMULATOR_TOKEN_CERT_PATH: join(dir, 'c.pem'),
      });
      expect(c.esiaEmulator).toMatchObject({
        tokenAlgorithm: 'GOST3410_2012_256',
        tokenKeys: { GOST3410_2012_256: { keyPath: join(dir, 'k.pem'), certPath: join(dir, 'c.pem') } },
      });
      expect(c.esiaEmulator!.tokenKeys.RS256.keyPath).toMatch(/esia-emulator\.rsa\.key\.pem$/);
      expect(problems({ ESIA_EMULATOR_TOKEN_ALG: 'HS256' })).toMatch(/ESIA_EMULATOR_TOKEN_ALG must be one of RS256, GOST3410_2012_256/);
      expect(problems({ ESIA_EMULATOR_TOKEN_KEY_PATH: join(dir, 'k.pem') })).toMatch(/must be set together/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ESIA_ISSUER defaults from ESIA_BASE_URL: production → production issuer, the test stand → its own', () => {
    expect(esiaIssuerFor('https://esia.gosuslugi.ru')).toBe(ESIA_DEFAULT_ISSUER);
    expect(esiaIssuerFor('https://esia-portal1.test.gosuslugi.ru/')).toBe('http://esia-portal1.test.gosuslugi.ru/');
    expect(esiaIssuerFor('http://127.0.0.1:3000/esia-emulator')).toBeNull();
    expect(loadConfig({ ESIA_BASE_URL: 'https://esia-portal1.test.gosuslugi.ru' }).esia!.issuer).toBe(ESIA_TEST_STAND_ISSUER);
    expect(loadConfig({ ESIA_BASE_URL: 'https://esia.gosuslugi.ru' }).esia!.issuer).toBe(ESIA_DEFAULT_ISSUER);
    expect(loadConfig({}).esia!.issuer).toBe(ESIA_DEFAULT_ISSUER); // the emulator
    expect(
      loadConfig({ ESIA_BASE_URL: 'https://esia-portal1.test.gosuslugi.ru', ESIA_ISSUER: 'http://esia.gosuslugi.ru/' }).esia!.issuer,
    ).toBe(ESIA_DEFAULT_ISSUER);
  });

  it('ESIA_TOKEN_ALGORITHMS: a subset of RS256, GOST3410_2012_256', () => {
    expect(loadConfig({ ESIA_TOKEN_ALGORITHMS: 'GOST3410_2012_256' }).esia!.tokenAlgorithms).toEqual(['GOST3410_2012_256']);
    expect(loadConfig({ ESIA_TOKEN_ALGORITHMS: ' RS256 , GOST3410_2012_256 ' }).esia!.tokenAlgorithms).toEqual([
      'RS256',
      'GOST3410_2012_256',
    ]);
    expect(problems({ ESIA_TOKEN_ALGORITHMS: 'RS256,GOST3410_2012_512' })).toMatch(
      /ESIA_TOKEN_ALGORITHMS must list some of RS256, GOST3410_2012_256/,
    );
    expect(problems({ ESIA_TOKEN_ALGORITHMS: ',' })).toMatch(/ESIA_TOKEN_ALGORITHMS/);
  });

  it('ESIA_SIGNER=cryptopro: container required, no key file needed, PIN kept as given', () => {
    expect(problems({ ESIA_SIGNER: 'cryptopro' })).toMatch(/ESIA_CRYPTOPRO_CONTAINER is required/);
    expect(problems({ ESIA_SIGNER: 'pkcs11' })).toMatch(/ESIA_SIGNER must be one of openssl, cryptopro/);
    const c = loadConfig({
      ESIA_SIGNER: 'cryptopro',
      ESIA_CRYPTOPRO_CONTAINER: '\\\\.\\HDIMAGE\\diary',
      ESIA_CRYPTOPRO_PIN: ' 12 34',
      ESIA_CRYPTOPRO_KEY_TYPE: 'signature',
    });
    expect(c.esia!.signer).toEqual({
      kind: 'cryptopro',
      csptestPath: '/opt/cprocsp/bin/amd64/csptest',
      container: '\\\\.\\HDIMAGE\\diary',
      pin: ' 12 34',
      keyType: 'signature',
      timeoutMs: 15000,
    });
    expect(c.esia!.keyPath).toBe('');
  });

  it('emulator off and no client id: ESIA is off', () => {
    const c = loadConfig({ ESIA_EMULATOR: 'false' });
    expect(c.esia).toBeNull();
    expect(c.esiaEmulator).toBeNull();
  });

  it('production: the emulator is refused; ESIA off without ESIA_CLIENT_ID', () => {
    const base = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DATA_ENCRYPTION_KEY: 'ab'.repeat(32) };
    expect(problems({ ...base, ESIA_EMULATOR: 'true' })).toMatch(/ESIA_EMULATOR must not be true in production/);
    const c = loadConfig(base);
    expect(c.esia).toBeNull();
    expect(c.esiaEmulator).toBeNull();
    expect(c.frontendUrl).toBeNull();
  });

  it('production with ESIA_CLIENT_ID: every ESIA_* is required, files must exist, https only', () => {
    const base = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DATA_ENCRYPTION_KEY: 'ab'.repeat(32), ESIA_CLIENT_ID: 'SCHOOL01' };
    const p = problems(base);
    for (const name of ['ESIA_BASE_URL', 'ESIA_REDIRECT_URI', 'ESIA_KEY_PATH', 'ESIA_CERT_PATH', 'ESIA_TRUSTED_CERTS', 'FRONTEND_URL'])
      expect(p).toContain(name);
    // the CryptoPro signer keeps its key in a CSP container: no ESIA_KEY_PATH
    expect(problems({ ...base, ESIA_SIGNER: 'cryptopro' })).not.toContain('ESIA_KEY_PATH');

    const dir = mkdtempSync(join(tmpdir(), 'esia-config-'));
    try {
      for (const f of ['key.pem', 'cert.pem', 'esia1.pem', 'esia2.pem']) writeFileSync(join(dir, f), 'x');
      const full = {
        ...base,
        ESIA_BASE_URL: 'https://esia.gosuslugi.ru',
        ESIA_REDIRECT_URI: 'https://diary.example.test/api/v1/auth/esia/callback',
        ESIA_KEY_PATH: join(dir, 'key.pem'),
        ESIA_CERT_PATH: join(dir, 'cert.pem'),
        ESIA_TRUSTED_CERTS: `${join(dir, 'esia1.pem')}, ${join(dir, 'esia2.pem')}`,
        FRONTEND_URL: 'https://diary.example.test',
      };
      const c = loadConfig(full);
      expect(c.esia).toMatchObject({
        clientId: 'SCHOOL01',
        testKeysDir: null,
        issuer: ESIA_DEFAULT_ISSUER,
        trustedCertPaths: [join(dir, 'esia1.pem'), join(dir, 'esia2.pem')],
      });
      expect(c.esiaEmulator).toBeNull();
      expect(loadConfig({ ...full, ESIA_TRUSTED_CERTS: dir }).esia!.trustedCertPaths).toEqual([dir]); // a directory of .cer files
      expect(problems({ ...full, ESIA_TRUSTED_CERTS: join(dir, 'missing.pem') })).toMatch(
        /ESIA_TRUSTED_CERTS: file or directory not found/,
      );
      expect(problems({ ...full, ESIA_BASE_URL: 'http://esia.gosuslugi.ru' })).toMatch(/ESIA_BASE_URL must use https:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
