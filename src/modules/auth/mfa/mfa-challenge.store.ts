import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import { withTimeout } from '../../../common/with-timeout';
import { REDIS } from '../../../core/redis/redis.module';
import { MfaErrors } from './mfa.errors';

/** How long the second step may take after the password (seconds). */
export const MFA_CHALLENGE_TTL_SEC = 300;
/** Codes that may be tried on one challenge; the last wrong one ends it. */
export const MFA_CHALLENGE_MAX_ATTEMPTS = 5;
const REDIS_TIMEOUT_MS = 1000;

/** `verify`: the account has a factor, enter a code. `enrol`: the region requires one, set it up now (nothing else). */
export type ChallengePurpose = 'verify' | 'enrol';

export interface MfaChallenge {
  userId: string;
  purpose: ChallengePurpose;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Reserves one attempt: refuses a missing challenge and one whose attempts are used up (and deletes it
 * then). Counting before the code is checked bounds the guesses even when many arrive at once.
 */
const ATTEMPT = `
if redis.call('exists', KEYS[1]) == 0 then return false end
local n = redis.call('hincrby', KEYS[1], 'attempts', 1)
if n > tonumber(ARGV[1]) then redis.call('del', KEYS[1]) return false end
return {redis.call('hget', KEYS[1], 'data'), n}`;

/**
 * One-time challenges between the password and the second factor, in Redis only (shared by every API
 * instance, gone after MFA_CHALLENGE_TTL_SEC). The client holds a random 256-bit token; Redis keeps its
 * SHA-256, so a Redis dump hands out nothing usable. A challenge ends on success, on the last allowed
 * attempt, on a lockout, or when it expires.
 */
@Injectable()
export class MfaChallengeStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async create(challenge: MfaChallenge): Promise<{ challenge: string; expiresInSec: number }> {
    const token = randomBytes(32).toString('base64url');
    const key = this.key(token);
    await this.call(
      this.redis
        .multi()
        .hset(key, { data: JSON.stringify(challenge), attempts: 0 })
        .expire(key, MFA_CHALLENGE_TTL_SEC)
        .exec(),
    );
    return { challenge: token, expiresInSec: MFA_CHALLENGE_TTL_SEC };
  }

  /** Reads a challenge without spending an attempt (the enrolment step that only shows the QR code). */
  async peek(token: string): Promise<MfaChallenge | null> {
    if (!TOKEN.test(token)) return null;
    const raw = await this.call(this.redis.hget(this.key(token), 'data'));
    return raw ? (JSON.parse(raw) as MfaChallenge) : null;
  }

  /** Spends one attempt; null when the challenge is unknown, expired, used or out of attempts. */
  async attempt(token: string): Promise<{ challenge: MfaChallenge; attempt: number; attemptsLeft: number } | null> {
    if (!TOKEN.test(token)) return null;
    const r = (await this.call(this.redis.eval(ATTEMPT, 1, this.key(token), MFA_CHALLENGE_MAX_ATTEMPTS))) as [string, number] | null;
    if (!r) return null;
    const [raw, attempt] = r;
    return { challenge: JSON.parse(raw) as MfaChallenge, attempt, attemptsLeft: MFA_CHALLENGE_MAX_ATTEMPTS - attempt };
  }

  /** Ends the challenge; true for the one caller that ended it (a concurrent success gets false). */
  async end(token: string): Promise<boolean> {
    return (await this.call(this.redis.del(this.key(token)))) === 1;
  }

  private key(token: string): string {
    return `mfa:challenge:${sha256(token)}`;
  }

  private async call<T>(p: Promise<T>): Promise<T> {
    try {
      return await withTimeout(p, REDIS_TIMEOUT_MS, 'redis');
    } catch {
      throw MfaErrors.unavailable();
    }
  }
}
