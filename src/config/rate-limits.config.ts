import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { EnvReader } from './env';

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

/** Express `trust proxy` (see AppConfig.trustProxy). */
export type TrustProxy = false | number | string[];

/**
 * Rate limits configuration (*_RATE_LIMIT_PER_MINUTE, ESIA_PENDING_STATES_MAX, ESIA_SIGNER_*, TRUST_PROXY).
 */
export function loadRateLimitsConfig(r: EnvReader): { rateLimits: RateLimitConfig; trustProxy: TrustProxy } {
  const { str, int, problems, warnings } = r;
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
  let trustProxy: TrustProxy;
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
  return { rateLimits, trustProxy };
}
