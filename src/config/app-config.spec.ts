import { ConfigValidationError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('works with no variables at all on a development machine', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.appRole).toBe('all');
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/school_diary');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(c.dataEncryptionKey).toHaveLength(32);
    expect(c.warnings.join('\n')).toMatch(/JWT_SECRET/);
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', PORT: 'eighty', APP_ROLE: 'boss', DATABASE_URL: 'mysql://x/y', BOOTSTRAP_ADMIN_LOGIN: 'root' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    for (const name of ['PORT', 'APP_ROLE', 'DATABASE_URL', 'JWT_SECRET', 'DATA_ENCRYPTION_KEY', 'BOOTSTRAP_ADMIN_PASSWORD']) {
      expect(problems).toContain(name);
    }
    expect((error as Error).message).toMatch(/6 problems/);
  });

  it('accepts a hex or base64 data key of 32 bytes and rejects other lengths', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ DATA_ENCRYPTION_KEY: hex }).dataEncryptionKey.toString('hex')).toBe(hex);
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ DATA_ENCRYPTION_KEY: b64 }).dataEncryptionKey).toEqual(Buffer.alloc(32, 7));
    expect(() => loadConfig({ DATA_ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(/DATA_ENCRYPTION_KEY/);
  });
});
