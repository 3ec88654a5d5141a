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

  it('TRUST_PROXY: off by default, a hop count or proxy addresses; "true" is one hop (never "trust every X-Forwarded-For")', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    const legacy = loadConfig({ TRUST_PROXY: 'true' });
    expect(legacy.trustProxy).toBe(1);
    expect(legacy.warnings.join('\n')).toMatch(/TRUST_PROXY=true is taken as one proxy hop/);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/40' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '11' })).toThrow(/TRUST_PROXY/);
  });

  it('rate limits: defaults per route class and the ESIA start bounds, each overridable', () => {
    const d = loadConfig({}).rateLimits;
    expect(d.perMinute).toEqual({ signIn: 60, esia: 60, token: 300, public: 300 });
    expect(d.esiaPendingStatesMax).toBe(20_000);
    expect(d.esiaSignerConcurrency).toBeGreaterThanOrEqual(2);
    const c = loadConfig({
      LOGIN_RATE_LIMIT_PER_MINUTE: '5',
      ESIA_RATE_LIMIT_PER_MINUTE: '6',
      TOKEN_RATE_LIMIT_PER_MINUTE: '7',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '8',
      ESIA_PENDING_STATES_MAX: '9',
      ESIA_SIGNER_CONCURRENCY: '3',
      ESIA_SIGNER_QUEUE_MS: '500',
    }).rateLimits;
    expect(c).toEqual({
      perMinute: { signIn: 5, esia: 6, token: 7, public: 8 },
      esiaPendingStatesMax: 9,
      esiaSignerConcurrency: 3,
      esiaSignerQueueMs: 500,
    });
    expect(() => loadConfig({ ESIA_RATE_LIMIT_PER_MINUTE: '0' })).toThrow(/ESIA_RATE_LIMIT_PER_MINUTE/);
  });
});
