import { createECDH, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type NodeEnv = 'development' | 'production' | 'test';
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
  // --- Rate limits and load bounds: see "Rate limits configuration" below ---
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
  // --- ESIA (Госуслуги) block: see "ESIA configuration" below ---
  /** ESIA client settings; null when ESIA is not configured (no ESIA_CLIENT_ID and no emulator). */
  esia: EsiaConfig | null;
  /** The built-in ESIA emulator (development and tests only); null when off. */
  esiaEmulator: EsiaEmulatorConfig | null;
  /** Where the browser flow ends (FRONTEND_URL); null only in production when unset and ESIA is off. */
  frontendUrl: string | null;
  // --- Diary block (storage, uploads, grade import, reminders): see "Diary configuration" below ---
  diary: DiaryConfig;
  // --- Notifications, push and portal sync block: see "Notifications configuration" below ---
  notify: NotifyConfig;
}

// ---------------------------------------------------------------------------------------------
// Rate limits and load bounds (types): docs/security.md "Rate limits"
// ---------------------------------------------------------------------------------------------

/**
 * Route classes of the per-IP rate limit; each class is one bucket per client address and minute.
 * signIn: a diary password is checked (login, ESIA link); esia: the ESIA browser flow (each start signs
 * with GOST and stores a state); token: refresh, logout, ticket exchange; public: any other public route.
 */
export const RATE_LIMIT_CLASSES = ['signIn', 'esia', 'token', 'public'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

export interface RateLimitConfig {
  /** Requests per client address per minute, by route class. */
  perMinute: Record<RateLimitClass, number>;
  /** Most ESIA sign-ins started and not yet returned (OAuth states in Redis) across all instances. */
  esiaPendingStatesMax: number;
  /** GOST signing processes (openssl) one process runs at once; more requests wait up to esiaSignerQueueMs. */
  esiaSignerConcurrency: number;
  esiaSignerQueueMs: number;
}

// ---------------------------------------------------------------------------------------------
// Notifications, push delivery, outbox relay and state-portal sync (types)
// ---------------------------------------------------------------------------------------------

export interface NotifyConfig {
  /** Outbox relay: pause between polls when there is nothing to publish, and rows per batch. */
  outboxPollMs: number;
  outboxBatchSize: number;
  /** Web Push VAPID keys (URL-safe base64) and contact; null = Web Push off (subscriptions still accepted). */
  vapid: { publicKey: string; privateKey: string; subject: string } | null;
  /** Mobile push (FCM HTTP v1 with a service account); null = mobile push off. */
  fcm: FcmConfig | null;
  /** Push delivery attempts and the base delay of the exponential backoff. */
  pushAttempts: number;
  pushBackoffMs: number;
  /** Timeout of one outbound push or portal call. */
  httpTimeoutMs: number;
  /** State portal endpoint; null = portal sync off (events are not queued for it). */
  portalSyncUrl: string | null;
  /** Bearer token for the portal, if it wants one. */
  portalSyncToken: string | null;
  /** First retry delay (30 s by default; tests shorten it), then exponential with jitter up to the cap. */
  portalFirstRetryMs: number;
  portalMaxRetryDelayMs: number;
  /** Attempts before a delivery is parked as failed. */
  portalAttempts: number;
  /** SSE heartbeat (comment line) interval. */
  sseHeartbeatMs: number;
}

/** FCM HTTP v1: the service account (from FCM_SERVICE_ACCOUNT_FILE) whose OAuth tokens sign the sends. */
export interface FcmConfig {
  projectId: string;
  clientEmail: string;
  privateKey: string;
  privateKeyId: string | null;
  /** Where OAuth tokens come from: the key file's token_uri (Google's token endpoint). */
  tokenUri: string;
  /** `https://fcm.googleapis.com/v1/projects/<project_id>/messages:send`, or FCM_ENDPOINT. */
  endpoint: string;
}

/** Google's OAuth 2.0 token endpoint (the token_uri of every service-account key file). */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/**
 * Reads and checks a service-account key file (FCM_SERVICE_ACCOUNT_FILE). Problems go to `problems`,
 * naming fields, never their values.
 */
function loadFcmServiceAccount(
  path: string,
  endpointOverride: string | undefined,
  production: boolean,
  problems: string[],
): FcmConfig | null {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    problems.push(
      `FCM_SERVICE_ACCOUNT_FILE: cannot read a JSON key file at ${path} (${(e as NodeJS.ErrnoException).code ?? 'invalid JSON'})`,
    );
    return null;
  }
  const field = (k: string): string | null =>
    typeof json[k] === 'string' && (json[k] as string).trim() !== '' ? (json[k] as string) : null;
  const missing = ['project_id', 'client_email', 'private_key'].filter((k) => field(k) === null);
  if (json.type !== 'service_account') missing.unshift('type: "service_account"');
  if (missing.length) {
    problems.push(`FCM_SERVICE_ACCOUNT_FILE is not a service-account key file (missing ${missing.join(', ')})`);
    return null;
  }
  const https = (name: string, v: string): boolean => {
    try {
      const u = new URL(v);
      if (u.protocol === 'https:' || (!production && u.protocol === 'http:')) return true;
    } catch {
      /* reported below */
    }
    problems.push(`${name} must be an ${production ? 'https' : 'http(s)'} URL`);
    return false;
  };
  const tokenUri = field('token_uri') ?? GOOGLE_TOKEN_URI;
  const projectId = field('project_id')!;
  const endpoint = endpointOverride ?? `https://fcm.googleapis.com/v1/projects/${encodeURIComponent(projectId)}/messages:send`;
  if (!https('FCM_SERVICE_ACCOUNT_FILE token_uri', tokenUri) || !https('FCM_ENDPOINT', endpoint)) return null;
  return {
    projectId,
    clientEmail: field('client_email')!,
    privateKey: field('private_key')!,
    privateKeyId: field('private_key_id'),
    tokenUri,
    endpoint,
  };
}

// ---------------------------------------------------------------------------------------------
// Diary configuration (types and defaults)
// ---------------------------------------------------------------------------------------------

export interface DiaryConfig {
  /** Where uploaded files live (local disk storage); absolute, resolved against the working directory. */
  storageDir: string;
  /** Largest homework/submission attachment, bytes. */
  uploadMaxFileBytes: number;
  /** Most files in one upload request. */
  uploadMaxFiles: number;
  /** Allowed attachments: lower-case extension → allowed content types (the extension and the declared type must both match). */
  uploadAllowedTypes: Record<string, string[]>;
  /** Largest grade import file, bytes. */
  importMaxFileBytes: number;
  /** Most data rows in one grade import. */
  importMaxRows: number;
  /** Minutes before a lesson when the reminder goes out. */
  lessonReminderMinutes: number;
}

/** Attachment types allowed by default (UPLOAD_ALLOWED_TYPES overrides: "pdf:application/pdf,jpg:image/jpeg|image/pjpeg"). */
export const DEFAULT_UPLOAD_TYPES: Record<string, string[]> = {
  pdf: ['application/pdf'],
  jpg: ['image/jpeg'],
  jpeg: ['image/jpeg'],
  png: ['image/png'],
  txt: ['text/plain'],
  docx: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  pptx: ['application/vnd.openxmlformats-officedocument.presentationml.presentation'],
  odt: ['application/vnd.oasis.opendocument.text'],
};

// ---------------------------------------------------------------------------------------------
// ESIA configuration (types and defaults)
// ---------------------------------------------------------------------------------------------

export interface EsiaConfig {
  /** ESIA base URL without a trailing slash, e.g. https://esia.gosuslugi.ru or the emulator. */
  baseUrl: string;
  /** IS mnemonic registered on the ESIA tech portal. */
  clientId: string;
  redirectUri: string;
  /** Space-separated scopes, single spaces (exactly what is sent and signed). */
  scopes: string;
  /** GOST R 34.10-2012 (256) private key (PEM) of the IS; '' with the CryptoPro signer (the key lives in a CSP container). */
  keyPath: string;
  /** The IS certificate registered on the tech portal (its Streebog hash is client_certificate_hash). */
  certPath: string;
  /** Who signs `client_secret` (docs/esia.md "Signers"). */
  signer: EsiaSignerConfig;
  /**
   * ESIA token-signing certificates: files (PEM, possibly several blocks, or DER `.cer`) or directories
   * of them. Several, since ESIA rotates them without notice; RSA ones check RS256, GOST ones GOST3410_2012_256.
   */
  trustedCertPaths: string[];
  /** Token algorithms accepted (`alg` of ESIA's JWTs); ESIA signs with the one chosen for the IS on the tech portal. */
  tokenAlgorithms: EsiaTokenAlgorithm[];
  /** Expected `iss` of ESIA tokens (default derived from baseUrl, see {@link esiaIssuerFor}). */
  issuer: string;
  /** Timeout of every outbound ESIA call. */
  timeoutMs: number;
  /**
   * Directory of generated TEST keys (emulator mode only): missing key files there are created at
   * start (and reused afterwards, so restarts keep the same keys). null with real ESIA.
   */
  testKeysDir: string | null;
}

/** `client_secret` signer: OpenSSL's gost engine with a key file, or CryptoPro CSP's `csptest` with a key container. */
export type EsiaSignerConfig =
  | { kind: 'openssl' }
  | {
      kind: 'cryptopro';
      /** Path of CryptoPro's `csptest`. */
      csptestPath: string;
      /** Key container name as CSP lists it (`csptest -keyset -enum_cont -fqcn -verifyc`). */
      container: string;
      /** Container PIN/password, or null when the container has none. */
      pin: string | null;
      /** Which key of the container signs: `exchange` (AT_KEYEXCHANGE, what ESIA guides use) or `signature`. */
      keyType: 'exchange' | 'signature';
      timeoutMs: number;
    };

/** The `alg` values ESIA signs tokens with (docs/esia.md "Tokens signed with GOST"). */
export const ESIA_TOKEN_ALGORITHMS = ['RS256', 'GOST3410_2012_256'] as const;
export type EsiaTokenAlgorithm = (typeof ESIA_TOKEN_ALGORITHMS)[number];

export interface EsiaEmulatorConfig {
  /** The algorithm the emulator signs tokens with at start (ESIA: the per-IS setting of the tech portal). */
  tokenAlgorithm: EsiaTokenAlgorithm;
  /** Key + certificate the emulator signs tokens with, per algorithm (generated TEST keys unless overridden). */
  tokenKeys: Record<EsiaTokenAlgorithm, { keyPath: string; certPath: string }>;
  /** Where its generated TEST keys live (created at start when missing). */
  testKeysDir: string;
}

/** File names of the generated TEST keys (names follow esia/crypto/test-keys.ts: `<stem>.<kind>.{key,cert}.pem`). */
export const ESIA_TEST_KEY_FILES = {
  clientKey: 'diary-client.gost.key.pem',
  clientCert: 'diary-client.gost.cert.pem',
  emulatorKey: 'esia-emulator.rsa.key.pem',
  emulatorCert: 'esia-emulator.rsa.cert.pem',
  emulatorGostKey: 'esia-emulator.gost.key.pem',
  emulatorGostCert: 'esia-emulator.gost.cert.pem',
} as const;

export const ESIA_DEFAULT_SCOPES = 'openid fullname birthdate snils id_doc';
export const ESIA_PRODUCTION_BASE_URL = 'https://esia.gosuslugi.ru';
export const ESIA_TEST_STAND_BASE_URL = 'https://esia-portal1.test.gosuslugi.ru';
/** `iss` of production tokens (http and a trailing slash, as ESIA writes it). */
export const ESIA_DEFAULT_ISSUER = 'http://esia.gosuslugi.ru/';
/** `iss` of the test stand's tokens (docs/esia.md "The test stand"). */
export const ESIA_TEST_STAND_ISSUER = 'http://esia-portal1.test.gosuslugi.ru/';
export const ESIA_EMULATOR_PATH = 'esia-emulator';
export const ESIA_DEFAULT_CSPTEST_PATH = '/opt/cprocsp/bin/amd64/csptest';

/** The `iss` ESIA puts into tokens for a known base URL (production, test stand); null for any other host. */
export function esiaIssuerFor(baseUrl: string): string | null {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return null;
  }
  if (host === new URL(ESIA_PRODUCTION_BASE_URL).hostname) return ESIA_DEFAULT_ISSUER;
  if (host === new URL(ESIA_TEST_STAND_BASE_URL).hostname) return ESIA_TEST_STAND_ISSUER;
  return null;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
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
    else if (production && key.equals(DEV_DATA_ENCRYPTION_KEY))
      problems.push('DATA_ENCRYPTION_KEY must not be the development key in production');
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
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(redisPrefix))
    problems.push('REDIS_PREFIX may contain only letters, digits and _.:- (1–64 characters)');

  // -------------------------------------------------------------------------------------------
  // ESIA configuration (ESIA_*, FRONTEND_URL). Emulator on (default outside production): every
  // ESIA_* has a working local default and missing TEST keys are generated at start. Production:
  // the emulator is refused; setting ESIA_CLIENT_ID turns ESIA on and then every ESIA_* is required.
  // -------------------------------------------------------------------------------------------
  const esiaPort = Number(str('PORT') ?? 3000);
  const localBase = `http://127.0.0.1:${Number.isInteger(esiaPort) ? esiaPort : 3000}`;
  const emulatorOn = bool('ESIA_EMULATOR', nodeEnv === 'development' || nodeEnv === 'test');
  if (emulatorOn && production) problems.push('ESIA_EMULATOR must not be true in production');
  const esiaClientId = str('ESIA_CLIENT_ID');
  const esiaOn = emulatorOn || esiaClientId !== undefined;
  // The "-2" marks the key set with the emulator's GOST token key (an older directory lacks it).
  const esiaTestKeysDir = emulatorOn
    ? (str('ESIA_TEST_KEYS_DIR') ?? join(tmpdir(), `diary-esia-test-keys-2-${process.getuid?.() ?? 'user'}`))
    : null;
  const esiaFile = (name: string): string | undefined => {
    const v = str(name);
    if (v !== undefined && !existsSync(v)) problems.push(`${name}: file not found (${v})`);
    return v;
  };
  const esiaSignerKind = oneOf('ESIA_SIGNER', ['openssl', 'cryptopro'] as const, 'openssl');
  const esiaRequired = (name: string): void => {
    if (esiaOn && !emulatorOn && str(name) === undefined) problems.push(`${name} is required when ESIA_CLIENT_ID is set`);
  };
  for (const name of ['ESIA_BASE_URL', 'ESIA_REDIRECT_URI', 'ESIA_CERT_PATH', 'ESIA_TRUSTED_CERTS']) esiaRequired(name);
  if (esiaSignerKind === 'openssl') esiaRequired('ESIA_KEY_PATH');
  if (esiaOn && production && str('FRONTEND_URL') === undefined) problems.push('FRONTEND_URL is required in production when ESIA is on');
  const webProtocols = production ? ['https:'] : ['http:', 'https:'];
  let esia: EsiaConfig | null = null;
  let esiaEmulator: EsiaEmulatorConfig | null = null;
  const frontendUrl = str('FRONTEND_URL') !== undefined || !production ? url('FRONTEND_URL', localBase, webProtocols) : null;
  if (esiaOn) {
    const keyPath = esiaFile('ESIA_KEY_PATH');
    const certPath = esiaFile('ESIA_CERT_PATH');
    if (esiaSignerKind === 'openssl' && (keyPath === undefined) !== (certPath === undefined))
      problems.push('ESIA_KEY_PATH and ESIA_CERT_PATH must be set together');
    const trusted = (str('ESIA_TRUSTED_CERTS') ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    for (const p of trusted) if (!existsSync(p)) problems.push(`ESIA_TRUSTED_CERTS: file or directory not found (${p})`);
    const tokenAlgorithms = (str('ESIA_TOKEN_ALGORITHMS') ?? ESIA_TOKEN_ALGORITHMS.join(','))
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    const badAlgorithm = tokenAlgorithms.find((a) => !(ESIA_TOKEN_ALGORITHMS as readonly string[]).includes(a));
    if (badAlgorithm !== undefined || tokenAlgorithms.length === 0) {
      problems.push(
        `ESIA_TOKEN_ALGORITHMS must list some of ${ESIA_TOKEN_ALGORITHMS.join(', ')} (got "${str('ESIA_TOKEN_ALGORITHMS') ?? ''}")`,
      );
    }
    const scopes = (str('ESIA_SCOPES') ?? ESIA_DEFAULT_SCOPES).split(/\s+/).join(' ');
    if (!/^[A-Za-z0-9_.:?=/ -]+$/.test(scopes)) problems.push('ESIA_SCOPES must be space-separated ESIA scope names');
    for (const needed of ['openid', 'fullname', 'snils', 'id_doc']) {
      if (!scopes.split(' ').includes(needed))
        warnings.push(
          `ESIA_SCOPES has no "${needed}": sign-in cannot match diary users or tell a standard account from a simplified one (docs/esia.md "Scopes")`,
        );
    }
    const baseUrl = url('ESIA_BASE_URL', `${localBase}/${ESIA_EMULATOR_PATH}`, production ? ['https:'] : ['http:', 'https:']).replace(
      /\/+$/,
      '',
    );
    const knownIssuer = esiaIssuerFor(baseUrl);
    const issuer = str('ESIA_ISSUER') ?? knownIssuer ?? ESIA_DEFAULT_ISSUER;
    if (!emulatorOn && str('ESIA_ISSUER') === undefined && knownIssuer === null) {
      warnings.push(
        `ESIA_BASE_URL ${baseUrl} is neither production nor the test stand: tokens are expected from issuer ${issuer} (set ESIA_ISSUER)`,
      );
    }
    let signer: EsiaSignerConfig = { kind: 'openssl' };
    if (esiaSignerKind === 'cryptopro') {
      const container = str('ESIA_CRYPTOPRO_CONTAINER');
      if (container === undefined) problems.push('ESIA_CRYPTOPRO_CONTAINER is required with ESIA_SIGNER=cryptopro');
      signer = {
        kind: 'cryptopro',
        csptestPath: str('ESIA_CRYPTOPRO_CSPTEST_PATH') ?? ESIA_DEFAULT_CSPTEST_PATH,
        container: container ?? '',
        pin: env.ESIA_CRYPTOPRO_PIN !== undefined && env.ESIA_CRYPTOPRO_PIN !== '' ? env.ESIA_CRYPTOPRO_PIN : null,
        keyType: oneOf('ESIA_CRYPTOPRO_KEY_TYPE', ['exchange', 'signature'] as const, 'exchange'),
        timeoutMs: int('ESIA_CRYPTOPRO_TIMEOUT_MS', 15000, 100, 120000),
      };
    }
    const dir = esiaTestKeysDir;
    const emulatorTokenAlgorithm = oneOf('ESIA_EMULATOR_TOKEN_ALG', ESIA_TOKEN_ALGORITHMS, 'RS256');
    esia = {
      baseUrl,
      clientId: esiaClientId ?? 'DIARYTEST',
      redirectUri: url('ESIA_REDIRECT_URI', `${localBase}/api/v1/auth/esia/callback`, webProtocols),
      scopes,
      keyPath: keyPath ?? (dir && esiaSignerKind === 'openssl' ? join(dir, ESIA_TEST_KEY_FILES.clientKey) : ''),
      certPath: certPath ?? (dir ? join(dir, ESIA_TEST_KEY_FILES.clientCert) : ''),
      signer,
      trustedCertPaths:
        trusted.length > 0
          ? trusted
          : dir
            ? [join(dir, ESIA_TEST_KEY_FILES.emulatorCert), join(dir, ESIA_TEST_KEY_FILES.emulatorGostCert)]
            : [],
      tokenAlgorithms:
        badAlgorithm === undefined && tokenAlgorithms.length > 0 ? (tokenAlgorithms as EsiaTokenAlgorithm[]) : [...ESIA_TOKEN_ALGORITHMS],
      issuer,
      timeoutMs: int('ESIA_TIMEOUT_MS', 10000, 100, 120000),
      testKeysDir: dir,
    };
    if (dir) {
      const overrideKey = esiaFile('ESIA_EMULATOR_TOKEN_KEY_PATH');
      const overrideCert = esiaFile('ESIA_EMULATOR_TOKEN_CERT_PATH');
      if ((overrideKey === undefined) !== (overrideCert === undefined))
        problems.push('ESIA_EMULATOR_TOKEN_KEY_PATH and ESIA_EMULATOR_TOKEN_CERT_PATH must be set together');
      const tokenKeys: EsiaEmulatorConfig['tokenKeys'] = {
        RS256: { keyPath: join(dir, ESIA_TEST_KEY_FILES.emulatorKey), certPath: join(dir, ESIA_TEST_KEY_FILES.emulatorCert) },
        GOST3410_2012_256: {
          keyPath: join(dir, ESIA_TEST_KEY_FILES.emulatorGostKey),
          certPath: join(dir, ESIA_TEST_KEY_FILES.emulatorGostCert),
        },
      };
      if (overrideKey && overrideCert) tokenKeys[emulatorTokenAlgorithm] = { keyPath: overrideKey, certPath: overrideCert };
      esiaEmulator = { tokenAlgorithm: emulatorTokenAlgorithm, tokenKeys, testKeysDir: dir };
      warnings.push(`ESIA emulator is ON (${baseUrl}); TEST keys in ${dir}. Never use this with real users`);
    }
  }
  // ------------------------------------------- end of ESIA configuration ----------------------

  // -------------------------------------------------------------------------------------------
  // Diary configuration (STORAGE_DIR, UPLOAD_*, IMPORT_*, LESSON_REMINDER_MINUTES).
  // -------------------------------------------------------------------------------------------
  const uploadAllowedTypes: Record<string, string[]> = {};
  const rawTypes = str('UPLOAD_ALLOWED_TYPES');
  if (rawTypes === undefined) Object.assign(uploadAllowedTypes, DEFAULT_UPLOAD_TYPES);
  else {
    for (const item of rawTypes
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      const m = /^([a-z0-9]{1,10}):([a-z0-9.+/-]+(?:\|[a-z0-9.+/-]+)*)$/.exec(item.toLowerCase());
      if (!m) problems.push(`UPLOAD_ALLOWED_TYPES: "${item}" is not "ext:type[|type]"`);
      else uploadAllowedTypes[m[1]] = m[2].split('|');
    }
  }
  const diary: DiaryConfig = {
    storageDir: resolve(str('STORAGE_DIR') ?? './var/storage'),
    uploadMaxFileBytes: int('UPLOAD_MAX_FILE_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    uploadMaxFiles: int('UPLOAD_MAX_FILES', 5, 1, 50),
    uploadAllowedTypes,
    importMaxFileBytes: int('IMPORT_MAX_FILE_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    importMaxRows: int('IMPORT_MAX_ROWS', 100_000, 1, 1_000_000),
    lessonReminderMinutes: int('LESSON_REMINDER_MINUTES', 10, 1, 120),
  };
  // ------------------------------------------- end of diary configuration ---------------------

  // -------------------------------------------------------------------------------------------
  // Notifications configuration (OUTBOX_*, VAPID_*, FCM_*, PUSH_*, PORTAL_SYNC_*, SSE_*).
  // Outside production missing VAPID keys are generated per process (with a warning); production
  // without them runs with Web Push off. PORTAL_SYNC_URL defaults to the emulator's dev receiver in
  // development (emulator on) and is off otherwise.
  // -------------------------------------------------------------------------------------------
  let vapid: NotifyConfig['vapid'] = null;
  const vapidPublic = str('VAPID_PUBLIC_KEY');
  const vapidPrivate = str('VAPID_PRIVATE_KEY');
  const vapidSubject = str('VAPID_SUBJECT') ?? 'mailto:support@diary.invalid';
  if (!/^(mailto:|https:)/.test(vapidSubject)) problems.push('VAPID_SUBJECT must be a mailto: or https: URL');
  if ((vapidPublic === undefined) !== (vapidPrivate === undefined))
    problems.push('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together');
  else if (vapidPublic !== undefined && vapidPrivate !== undefined) {
    if (!/^[A-Za-z0-9_-]{80,100}$/.test(vapidPublic))
      problems.push('VAPID_PUBLIC_KEY must be a URL-safe base64 P-256 public key (65 bytes)');
    if (!/^[A-Za-z0-9_-]{40,50}$/.test(vapidPrivate))
      problems.push('VAPID_PRIVATE_KEY must be a URL-safe base64 P-256 private key (32 bytes)');
    vapid = { publicKey: vapidPublic, privateKey: vapidPrivate, subject: vapidSubject };
  } else if (production) {
    warnings.push('VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY are not set: Web Push is off');
  } else {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    vapid = {
      publicKey: ecdh.getPublicKey().toString('base64url'),
      privateKey: ecdh.getPrivateKey().toString('base64url'),
      subject: vapidSubject,
    };
    if (nodeEnv !== 'test')
      warnings.push('VAPID keys are not set: generated a pair for this process; browser subscriptions will not survive a restart');
  }
  const optionalUrl = (name: string, def: string | null): string | null => {
    if (str(name) === undefined && def === null) return null;
    return url(name, def ?? '', production ? ['https:'] : ['http:', 'https:']);
  };
  // Mobile push: FCM HTTP v1 signed with a service account (tokens fetched and refreshed by the
  // provider). FCM_AUTH_TOKEN (a fixed OAuth token: it expired within the hour) is no longer read.
  const fcmFile = str('FCM_SERVICE_ACCOUNT_FILE');
  if (str('FCM_AUTH_TOKEN') !== undefined) {
    warnings.push(
      'FCM_AUTH_TOKEN is no longer read (a fixed OAuth token expires within the hour): set FCM_SERVICE_ACCOUNT_FILE to a service-account key file',
    );
  }
  if (fcmFile === undefined && str('FCM_ENDPOINT') !== undefined)
    problems.push('FCM_ENDPOINT needs FCM_SERVICE_ACCOUNT_FILE (mobile push signs its requests with a service account)');
  const fcm = fcmFile === undefined ? null : loadFcmServiceAccount(resolve(fcmFile), str('FCM_ENDPOINT'), production, problems);
  const notify: NotifyConfig = {
    outboxPollMs: int('OUTBOX_POLL_MS', 250, 10, 60_000),
    outboxBatchSize: int('OUTBOX_BATCH_SIZE', 200, 1, 5000),
    vapid,
    fcm,
    pushAttempts: int('PUSH_ATTEMPTS', 6, 1, 50),
    pushBackoffMs: int('PUSH_BACKOFF_MS', 5_000, 10, 3_600_000),
    httpTimeoutMs: int('NOTIFY_HTTP_TIMEOUT_MS', 10_000, 100, 120_000),
    portalSyncUrl: optionalUrl(
      'PORTAL_SYNC_URL',
      nodeEnv === 'development' && emulatorOn ? `${localBase}/${ESIA_EMULATOR_PATH}/portal/events` : null,
    ),
    portalSyncToken: str('PORTAL_SYNC_TOKEN') ?? null,
    portalFirstRetryMs: int('PORTAL_SYNC_FIRST_RETRY_MS', 30_000, 10, 86_400_000),
    portalMaxRetryDelayMs: int('PORTAL_SYNC_MAX_RETRY_DELAY_MS', 6 * 3_600_000, 10, 7 * 86_400_000),
    portalAttempts: int('PORTAL_SYNC_ATTEMPTS', 12, 1, 100),
    sseHeartbeatMs: int('SSE_HEARTBEAT_MS', 25_000, 50, 300_000),
  };
  // ------------------------------------------- end of notifications configuration -------------

  // -------------------------------------------------------------------------------------------
  // Rate limits configuration (*_RATE_LIMIT_PER_MINUTE, ESIA_PENDING_STATES_MAX, ESIA_SIGNER_*, TRUST_PROXY).
  // -------------------------------------------------------------------------------------------
  const rateLimits: RateLimitConfig = {
    perMinute: {
      signIn: int('LOGIN_RATE_LIMIT_PER_MINUTE', 60, 1, 100_000),
      esia: int('ESIA_RATE_LIMIT_PER_MINUTE', 60, 1, 100_000),
      token: int('TOKEN_RATE_LIMIT_PER_MINUTE', 300, 1, 100_000),
      public: int('PUBLIC_RATE_LIMIT_PER_MINUTE', 300, 1, 100_000),
    },
    esiaPendingStatesMax: int('ESIA_PENDING_STATES_MAX', 20_000, 1, 1_000_000),
    esiaSignerConcurrency: int('ESIA_SIGNER_CONCURRENCY', 2 * availableParallelism(), 1, 256),
    esiaSignerQueueMs: int('ESIA_SIGNER_QUEUE_MS', 2_000, 1, 60_000),
  };
  let trustProxy: AppConfig['trustProxy'];
  const rawTrust = str('TRUST_PROXY');
  if (rawTrust === undefined || ['false', '0', 'no'].includes(rawTrust.toLowerCase())) trustProxy = false;
  else if (['true', 'yes'].includes(rawTrust.toLowerCase())) {
    trustProxy = 1;
    warnings.push(
      'TRUST_PROXY=true is taken as one proxy hop; set the number of proxies in front of the app or their addresses (e.g. 10.0.0.0/8)',
    );
  } else if (/^\d+$/.test(rawTrust)) {
    trustProxy = int('TRUST_PROXY', 1, 1, 10);
  } else {
    trustProxy = rawTrust
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    for (const entry of trustProxy) {
      const [addr, bits, ...rest] = entry.split('/');
      const version = isIP(addr);
      const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry);
      const prefixOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 6 ? 128 : 32));
      if (!named && (version === 0 || !prefixOk || rest.length > 0)) {
        problems.push(`TRUST_PROXY: "${entry}" is not a hop count, an IP address, a subnet (addr/bits) or loopback|linklocal|uniquelocal`);
      }
    }
  }
  // ------------------------------------------- end of rate limits configuration ---------------

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
