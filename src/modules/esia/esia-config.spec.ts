import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigValidationError, ESIA_DEFAULT_ISSUER, ESIA_DEFAULT_SCOPES, loadConfig } from '../../config/app-config';

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
      expect(c.esia!.trustedCertPaths).toEqual([c.esiaEmulator!.tokenCertPath]);
      expect(c.frontendUrl).toBe('http://127.0.0.1:4100');
    }
    expect(loadConfig({ ESIA_BASE_URL: 'https://esia.example.test/', ESIA_SCOPES: 'openid   fullname' }).esia).toMatchObject({
      baseUrl: 'https://esia.example.test',
      scopes: 'openid fullname',
    });
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
    for (const name of ['ESIA_BASE_URL', 'ESIA_REDIRECT_URI', 'ESIA_KEY_PATH', 'ESIA_CERT_PATH', 'ESIA_TRUSTED_CERTS', 'FRONTEND_URL']) expect(p).toContain(name);

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
      expect(c.esia).toMatchObject({ clientId: 'SCHOOL01', testKeysDir: null, trustedCertPaths: [join(dir, 'esia1.pem'), join(dir, 'esia2.pem')] });
      expect(c.esiaEmulator).toBeNull();
      expect(problems({ ...full, ESIA_TRUSTED_CERTS: join(dir, 'missing.pem') })).toMatch(/ESIA_TRUSTED_CERTS: file not found/);
      expect(problems({ ...full, ESIA_BASE_URL: 'http://esia.gosuslugi.ru' })).toMatch(/ESIA_BASE_URL must use https:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
