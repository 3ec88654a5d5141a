import { randomBytes } from 'node:crypto';

export type NodeEnv = 'development' | 'production' | 'test';
export type AppRole = 'api' | 'worker' | 'all';

export interface AppConfig {
  nodeEnv: NodeEnv;
  appRole: AppRole;
  port: number;
  databaseUrl: string;
  dbPoolSize: number;
  dbStatementTimeoutMs: number;
  runMigrationsOnStart: boolean;
  redisUrl: string;
  /** Prefix of every Redis key this process writes (queues included). */
  redisPrefix: string;
  jwtSecret: string;
  jwtAccessTtlSec: number;
  refreshTtlDays: number;
  /** 32-byte key for AES-256-GCM encryption of personal data at rest. */
  dataEncryptionKey: Buffer;
  passwordHashRounds: number;
  loginRateLimitPerMinute: number;
  bootstrapAdminLogin?: string;
  bootstrapAdminPassword?: string;
  logLevel: string;
  trustProxy: boolean;
  /** Warnings produced while loading (printed by the logger once it exists). */
  warnings: string[];
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
      problems.map((p) => `  - ${p}`).join('\n'));
    this.name = 'ConfigValidationError';
  }
}

/** A clearly marked development-only key: never valid in production (see loadConfig). */
const DEV_DATA_ENCRYPTION_KEY = Buffer.from('development-only-insecure-key!!!', 'utf8');

type Env = Record<string, string | undefined>;

/**
 * The only place that reads the environment. Collects every problem and throws one readable error.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], def: T): T => {
    const v = str(name);
    if (v === undefined) return def;
    if (!(allowed as readonly string[]).includes(v)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${v}")`);
      return def;
    }
    return v as T;
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const v = str(name);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${v}")`);
      return def;
    }
    return n;
  };
  const bool = (name: string, def: boolean): boolean => {
    const v = str(name);
    if (v === undefined) return def;
    if (['true', '1', 'yes'].includes(v.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(v.toLowerCase())) return false;
    problems.push(`${name} must be true or false (got "${v}")`);
    return def;
  };
  const url = (name: string, def: string, protocols: string[]): string => {
    const v = str(name) ?? def;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) problems.push(`${name} must use ${protocols.join(' or ')} (got "${u.protocol}")`);
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return v;
  };

  const nodeEnv = oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const production = nodeEnv === 'production';

  let jwtSecret = str('JWT_SECRET');
  if (jwtSecret === undefined) {
    if (production) problems.push('JWT_SECRET is required in production');
    jwtSecret = randomBytes(48).toString('base64url');
    if (!production) warnings.push('JWT_SECRET is not set: generated a random one; tokens will not survive a restart');
  } else if (jwtSecret.length < 32) {
    problems.push('JWT_SECRET must be at least 32 characters long');
  }

  let dataEncryptionKey = DEV_DATA_ENCRYPTION_KEY;
  const rawKey = str('DATA_ENCRYPTION_KEY');
  if (rawKey === undefined) {
    if (production) problems.push('DATA_ENCRYPTION_KEY is required in production (32 bytes, base64 or 64 hex characters)');
    else warnings.push('DATA_ENCRYPTION_KEY is not set: using the built-in development key; never do this with real data');
  } else {
    const key = /^[0-9a-fA-F]{64}$/.test(rawKey) ? Buffer.from(rawKey, 'hex') : Buffer.from(rawKey, 'base64');
    if (key.length !== 32) problems.push('DATA_ENCRYPTION_KEY must decode to exactly 32 bytes (base64 or 64 hex characters)');
    else if (production && key.equals(DEV_DATA_ENCRYPTION_KEY)) problems.push('DATA_ENCRYPTION_KEY must not be the development key in production');
    else dataEncryptionKey = key;
  }

  const bootstrapAdminLogin = str('BOOTSTRAP_ADMIN_LOGIN');
  const bootstrapAdminPassword = str('BOOTSTRAP_ADMIN_PASSWORD');
  if ((bootstrapAdminLogin === undefined) !== (bootstrapAdminPassword === undefined)) {
    problems.push('BOOTSTRAP_ADMIN_LOGIN and BOOTSTRAP_ADMIN_PASSWORD must be set together');
  }
  if (bootstrapAdminPassword !== undefined && bootstrapAdminPassword.length < 8) {
    problems.push('BOOTSTRAP_ADMIN_PASSWORD must be at least 8 characters long');
  }

  const redisPrefix = str('REDIS_PREFIX') ?? 'diary';
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(redisPrefix)) problems.push('REDIS_PREFIX may contain only letters, digits and _.:- (1–64 characters)');

  const config: AppConfig = {
    nodeEnv,
    appRole: oneOf<AppRole>('APP_ROLE', ['api', 'worker', 'all'], 'all'),
    port: int('PORT', 3000, 0, 65535),
    databaseUrl: url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/school_diary', ['postgres:', 'postgresql:']),
    dbPoolSize: int('DB_POOL_SIZE', 10, 1, 200),
    dbStatementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', 15000, 100, 600000),
    runMigrationsOnStart: bool('RUN_MIGRATIONS_ON_START', true),
    redisUrl: url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisPrefix,
    jwtSecret,
    jwtAccessTtlSec: int('JWT_ACCESS_TTL_SECONDS', 900, 30, 86400),
    refreshTtlDays: int('REFRESH_TTL_DAYS', 30, 1, 365),
    dataEncryptionKey,
    passwordHashRounds: int('PASSWORD_HASH_ROUNDS', 11, 4, 15),
    loginRateLimitPerMinute: int('LOGIN_RATE_LIMIT_PER_MINUTE', 60, 1, 100000),
    bootstrapAdminLogin,
    bootstrapAdminPassword,
    logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], nodeEnv === 'test' ? 'silent' : 'info'),
    trustProxy: bool('TRUST_PROXY', false),
    warnings,
  };
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}
