import { DiaryConfig, loadDiaryConfig } from './diary.config';
import { ConfigValidationError, Env, EnvReader, envReader, NodeEnv } from './env';
import { EsiaConfig, EsiaEmulatorConfig, loadEsiaConfig } from './esia.config';
import { loadNotifyConfig, NotifyConfig } from './notify.config';
import { loadRateLimitsConfig, RateLimitConfig } from './rate-limits.config';
import { loadSecurityConfig } from './security.config';

/**
 * The configuration: one typed object, loaded and validated once by loadConfig. Each section reads its variables
 * in its own file (security, esia, diary, notify, rate-limits; the core settings — database, Redis, HTTP — here);
 * every problem of every section is listed in one ConfigValidationError.
 */

export { DEFAULT_UPLOAD_TYPES } from './diary.config';
export type { DiaryConfig } from './diary.config';
export { ConfigValidationError } from './env';
export type { NodeEnv } from './env';
export {
  ESIA_DEFAULT_CSPTEST_PATH,
  ESIA_DEFAULT_ISSUER,
  ESIA_DEFAULT_SCOPES,
  ESIA_EMULATOR_PATH,
  ESIA_PRODUCTION_BASE_URL,
  ESIA_TEST_KEY_FILES,
  ESIA_TEST_STAND_BASE_URL,
  ESIA_TEST_STAND_ISSUER,
  ESIA_TOKEN_ALGORITHMS,
  esiaIssuerFor,
} from './esia.config';
export type { EsiaConfig, EsiaEmulatorConfig, EsiaSignerConfig, EsiaTokenAlgorithm } from './esia.config';
export { GOOGLE_TOKEN_URI } from './notify.config';
export type { FcmConfig, NotifyConfig } from './notify.config';
export { RATE_LIMIT_CLASSES } from './rate-limits.config';
export type { RateLimitClass, RateLimitConfig } from './rate-limits.config';

export type AppRole = 'api' | 'worker' | 'all';

export interface AppConfig {
  nodeEnv: NodeEnv;
  appRole: AppRole;
  /** HTTP processes of the api role sharing one port (node:cluster); more than one only with APP_ROLE=api. */
  apiProcesses: number;
  port: number;
  databaseUrl: string;
  dbPoolSize: number;
  dbStatementTimeoutMs: number;
  /** How long to wait for a new PostgreSQL connection, or for a free one from the pool; then 503. */
  dbConnectTimeoutMs: number;
  /** Memory for the in-process cache of assembled week views and journals (0 turns it off). */
  readCacheMb: number;
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
  // --- Rate limits and load bounds: rate-limits.config.ts ---
  rateLimits: RateLimitConfig;
  /** Platform admins (who belong to no region) must sign in with a second factor (docs/security.md). */
  mfaRequiredForPlatformAdmins: boolean;
  bootstrapAdminLogin?: string;
  bootstrapAdminPassword?: string;
  logLevel: string;
  /**
   * Express `trust proxy`: false (the socket address is the client), the number of proxy hops in front of
   * the app, or the addresses/subnets of the proxies. Never "trust everyone": the left-most
   * X-Forwarded-For entry is whatever the client wrote.
   */
  trustProxy: false | number | string[];
  /** Origins (scheme://host[:port]) allowed to call the API from a browser (CORS_ORIGINS, default FRONTEND_URL's). */
  corsOrigins: string[];
  /** Warnings produced while loading (printed by the logger once it exists). */
  warnings: string[];
  // --- ESIA (Госуслуги) block: esia.config.ts ---
  /** ESIA client settings; null when ESIA is not configured (no ESIA_CLIENT_ID and no emulator). */
  esia: EsiaConfig | null;
  /** The built-in ESIA emulator (development and tests only); null when off. */
  esiaEmulator: EsiaEmulatorConfig | null;
  /** Where the browser flow ends (FRONTEND_URL); null only in production when unset and ESIA is off. */
  frontendUrl: string | null;
  // --- Diary block (storage, uploads, grade import, reminders): diary.config.ts ---
  diary: DiaryConfig;
  // --- Notifications, push and portal sync block: notify.config.ts ---
  notify: NotifyConfig;
}

/**
 * The only place that reads the environment. Collects every problem and throws one readable error.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const r: EnvReader = envReader(env);
  const { str, oneOf, int, bool, url, problems, warnings } = r;

  const nodeEnv = oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const production = nodeEnv === 'production';

  const { jwtSecret, dataEncryptionKey, bootstrapAdminLogin, bootstrapAdminPassword } = loadSecurityConfig(r, production);

  const redisPrefix = str('REDIS_PREFIX') ?? 'diary';
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(redisPrefix))
    problems.push('REDIS_PREFIX may contain only letters, digits and _.:- (1–64 characters)');

  const { esia, esiaEmulator, frontendUrl, emulatorOn, localBase } = loadEsiaConfig(r, nodeEnv, production);
  const diary = loadDiaryConfig(r);
  const notify = loadNotifyConfig(r, { nodeEnv, production, emulatorOn, localBase });
  const { rateLimits, trustProxy } = loadRateLimitsConfig(r);

  const config: AppConfig = {
    nodeEnv,
    appRole: oneOf<AppRole>('APP_ROLE', ['api', 'worker', 'all'], 'all'),
    apiProcesses: int('API_PROCESSES', 1, 1, 64),
    port: int('PORT', 3000, 0, 65535),
    databaseUrl: url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/school_diary', ['postgres:', 'postgresql:']),
    dbPoolSize: int('DB_POOL_SIZE', 10, 1, 200),
    dbStatementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', 15000, 100, 600000),
    dbConnectTimeoutMs: int('DB_CONNECT_TIMEOUT_MS', 5000, 100, 120000),
    readCacheMb: int('READ_CACHE_MB', 128, 0, 4096),
    runMigrationsOnStart: bool('RUN_MIGRATIONS_ON_START', true),
    redisUrl: url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisPrefix,
    jwtSecret,
    jwtAccessTtlSec: int('JWT_ACCESS_TTL_SECONDS', 900, 30, 86400),
    refreshTtlDays: int('REFRESH_TTL_DAYS', 30, 1, 365),
    dataEncryptionKey,
    passwordHashRounds: int('PASSWORD_HASH_ROUNDS', 11, 4, 15),
    rateLimits,
    mfaRequiredForPlatformAdmins: bool('MFA_REQUIRED_FOR_PLATFORM_ADMINS', false),
    bootstrapAdminLogin,
    bootstrapAdminPassword,
    logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], nodeEnv === 'test' ? 'silent' : 'info'),
    trustProxy,
    corsOrigins: (str('CORS_ORIGINS') ?? (frontendUrl ? new URL(frontendUrl).origin : ''))
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter((o) => o !== ''),
    warnings,
    esia,
    esiaEmulator,
    frontendUrl,
    diary,
    notify,
  };
  for (const o of config.corsOrigins) {
    if (!/^https?:\/\/[^/?#\s]+$/.test(o)) problems.push(`CORS_ORIGINS: "${o}" is not an origin (scheme://host[:port], no path)`);
  }
  if (config.apiProcesses > 1 && config.appRole !== 'api') {
    // the worker's queues and cron schedules must run once, not once per HTTP process
    problems.push(`API_PROCESSES=${config.apiProcesses} needs APP_ROLE=api (run the worker as its own process)`);
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}
