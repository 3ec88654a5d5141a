import Redis from 'ioredis';

import { EsiaTokenFailure } from './esia-token-verifier';

/** The last ESIA token our client refused, as the admin's connection test reports it (no personal data). */
export interface TokenRefusalRecord {
  at: string;
  reason: EsiaTokenFailure;
  /** The token's header `alg` and claim `iss` as received (shortened). */
  alg?: string;
  iss?: string;
  /** Fingerprint of the ESIA settings in force (issuer, algorithms, certificates): a record made under other settings is stale. */
  settings: string;
}

/** Where refusals are kept between a failed sign-in and the admin's "test connection". */
export interface TokenRefusalLog {
  record(refusal: TokenRefusalRecord): Promise<void>;
  /** A token passed every check: the problem, if any, is over. */
  clear(): Promise<void>;
  last(): Promise<TokenRefusalRecord | null>;
}

const KEY = 'esia:last-token-refusal';
/** A refusal older than this says nothing about today's settings. */
const TTL_SEC = 7 * 24 * 3600;

/** {@link TokenRefusalLog} in Redis (shared by every API process). Redis trouble never breaks a sign-in: it is ignored here. */
export class RedisTokenRefusalLog implements TokenRefusalLog {
  constructor(private readonly redis: Redis) {}

  async record(refusal: TokenRefusalRecord): Promise<void> {
    await this.redis.set(KEY, JSON.stringify(refusal), 'EX', TTL_SEC).catch(() => undefined);
  }

  async clear(): Promise<void> {
    await this.redis.del(KEY).catch(() => undefined);
  }

  async last(): Promise<TokenRefusalRecord | null> {
    const raw = await this.redis.get(KEY).catch(() => null);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as TokenRefusalRecord;
    } catch {
      return null;
    }
  }
}
