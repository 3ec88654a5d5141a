import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvReader, NodeEnv } from './env';

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

/** The ESIA part of the configuration, and what other sections derive from it. */
export interface EsiaSection {
  esia: EsiaConfig | null;
  esiaEmulator: EsiaEmulatorConfig | null;
  frontendUrl: string | null;
  emulatorOn: boolean;
  /** http://127.0.0.1:<PORT>: the base of local defaults. */
  localBase: string;
}

/**
 * ESIA configuration (ESIA_*, FRONTEND_URL). Emulator on (default outside production): every
 * ESIA_* has a working local default and missing TEST keys are generated at start. Production:
 * the emulator is refused; setting ESIA_CLIENT_ID turns ESIA on and then every ESIA_* is required.
 */
export function loadEsiaConfig(r: EnvReader, nodeEnv: NodeEnv, production: boolean): EsiaSection {
  const { env, str, oneOf, int, bool, url, problems, warnings } = r;
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
  return { esia, esiaEmulator, frontendUrl, emulatorOn, localBase };
}
