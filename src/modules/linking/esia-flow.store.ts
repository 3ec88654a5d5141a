import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../core/redis/redis.module';
import { EsiaErrors } from '../esia/esia.errors';
import { EsiaAccountLevel, EsiaPerson } from '../esia/identity-provider';
import { EsiaLinkMethod } from '../esia-links/esia-link-method';

/** How long each piece of the browser flow lives (seconds). */
export const ESIA_FLOW_TTL = {
  /** OAuth state: the user may take a while on the ESIA login and consent pages. */
  state: 600,
  /** "Привязать" intent from link-start until the browser opens the login URL. */
  intent: 600,
  /** Sign-in ticket: the frontend exchanges it right after the redirect. */
  ticket: 120,
  /** Link ticket: the user types the diary login and password. */
  linkTicket: 600,
} as const;

/** Wrong passwords allowed on one link ticket before it is dropped (each also counts towards the lockout). */
export const LINK_TICKET_MAX_ATTEMPTS = 5;

export type FlowPurpose = { kind: 'login' } | { kind: 'link'; userId: string; sessionId: string };

/** The person as needed to finish linking: no SNILS (it was only needed for the lookup). */
export interface PendingEsiaPerson {
  oid: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  birthDate: string | null;
  level: EsiaAccountLevel;
  /** See EsiaPerson.levelUndetermined. */
  levelUndetermined?: 'documents_not_granted';
}

/** The person as the link ticket keeps it: SNILS dropped. */
export const pendingPerson = (p: EsiaPerson): PendingEsiaPerson => ({
  oid: p.oid,
  lastName: p.lastName,
  firstName: p.firstName,
  middleName: p.middleName,
  birthDate: p.birthDate,
  level: p.level,
  ...(p.levelUndetermined ? { levelUndetermined: p.levelUndetermined } : {}),
});

export interface SignInTicket {
  userId: string;
  /** How the user was identified: already_linked | snils_fio | session (goes to the login history). */
  reason: string;
  linkedNow: EsiaLinkMethod | null;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The set of pending OAuth states (member: state, score: expiry in ms), kept beside the state keys. */
const PENDING_STATES_KEY = 'esia:states';
/**
 * Stores a state unless ESIA_PENDING_STATES_MAX are pending, in one step: drops expired members,
 * counts, then SET + ZADD. Returns 0 when stored, else the milliseconds until the oldest pending
 * state expires. Uses Redis's clock, so every instance sees the same expiries.
 */
const CREATE_STATE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) - now)
end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ttl)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[4])
redis.call('PEXPIRE', KEYS[1], ttl)
return 0
`;
type RedisWithCreateState = Redis & {
  diaryEsiaCreateState(pendingKey: string, stateKey: string, ttlMs: number, max: number, value: string, state: string): Promise<number>;
};
const newSecret = (): string => randomBytes(32).toString('base64url');

/**
 * The short-lived pieces of the ESIA browser flow, in Redis only (never in process memory, never in
 * the database): OAuth state bound to the browser, link intents, sign-in and link tickets. Secrets
 * are stored under their SHA-256, so a Redis dump does not hand out usable tickets. Every piece is
 * single use: taken with GETDEL.
 */
@Injectable()
export class EsiaFlowStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    if (!('diaryEsiaCreateState' in redis)) redis.defineCommand('diaryEsiaCreateState', { numberOfKeys: 2, lua: CREATE_STATE_SCRIPT });
  }

  /**
   * A new OAuth state (UUID v4) and the browser secret to put into the httpOnly cookie. At most
   * ESIA_PENDING_STATES_MAX states are pending at once (all instances together): beyond that 503
   * ESIA_UNAVAILABLE with Retry-After, so a flood of sign-in starts cannot grow Redis without bound.
   */
  async createState(purpose: FlowPurpose): Promise<{ state: string; browserSecret: string }> {
    const state = randomUUID();
    const browserSecret = newSecret();
    const value = JSON.stringify({ browser: sha256(browserSecret), purpose });
    const fullForMs = await (this.redis as RedisWithCreateState).diaryEsiaCreateState(
      PENDING_STATES_KEY,
      `esia:state:${state}`,
      ESIA_FLOW_TTL.state * 1000,
      this.config.rateLimits.esiaPendingStatesMax,
      value,
      state,
    );
    if (fullForMs > 0) throw EsiaErrors.busy('pending_states_full', Math.min(60, Math.ceil(fullForMs / 1000)));
    return { state, browserSecret };
  }

  /** Drops a state that will never be used (the redirect to ESIA could not be built). */
  async dropState(state: string): Promise<void> {
    await this.redis.multi().del(`esia:state:${state}`).zrem(PENDING_STATES_KEY, state).exec();
  }

  /**
   * Takes the state (single use) if it exists and belongs to this browser; null when missing,
   * reused, expired, or started in another browser.
   */
  async takeState(state: unknown, browserSecret: string | undefined): Promise<FlowPurpose | null> {
    if (typeof state !== 'string' || !/^[0-9a-f-]{36}$/.test(state)) return null;
    const [[, raw]] = (await this.redis.multi().getdel(`esia:state:${state}`).zrem(PENDING_STATES_KEY, state).exec()) as [
      [Error | null, string | null],
    ];
    if (!raw || !browserSecret) return null;
    const stored = JSON.parse(raw) as { browser: string; purpose: FlowPurpose };
    const a = Buffer.from(stored.browser, 'hex');
    const b = Buffer.from(sha256(browserSecret), 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? stored.purpose : null;
  }

  async createIntent(userId: string, sessionId: string): Promise<string> {
    const token = newSecret();
    await this.redis.set(`esia:intent:${sha256(token)}`, JSON.stringify({ userId, sessionId }), 'EX', ESIA_FLOW_TTL.intent);
    return token;
  }

  async takeIntent(token: string): Promise<{ userId: string; sessionId: string } | null> {
    const raw = await this.redis.getdel(`esia:intent:${sha256(token)}`);
    return raw ? (JSON.parse(raw) as { userId: string; sessionId: string }) : null;
  }

  async createTicket(ticket: SignInTicket): Promise<string> {
    const token = newSecret();
    await this.redis.set(`esia:ticket:${sha256(token)}`, JSON.stringify(ticket), 'EX', ESIA_FLOW_TTL.ticket);
    return token;
  }

  async takeTicket(token: string): Promise<SignInTicket | null> {
    const raw = await this.redis.getdel(`esia:ticket:${sha256(token)}`);
    return raw ? (JSON.parse(raw) as SignInTicket) : null;
  }

  async createLinkTicket(person: PendingEsiaPerson): Promise<string> {
    const token = newSecret();
    await this.redis.set(`esia:link-ticket:${sha256(token)}`, JSON.stringify({ person, attempts: 0 }), 'EX', ESIA_FLOW_TTL.linkTicket);
    return token;
  }

  /** Takes the link ticket: while one request holds it, a concurrent one with the same ticket finds nothing. */
  async takeLinkTicket(token: string): Promise<{ person: PendingEsiaPerson; attempts: number; ttlMs: number } | null> {
    const key = `esia:link-ticket:${sha256(token)}`;
    const [[, ttlMs], [, raw]] = (await this.redis.multi().pttl(key).getdel(key).exec()) as [
      [Error | null, number],
      [Error | null, string | null],
    ];
    if (!raw) return null;
    const { person, attempts } = JSON.parse(raw) as { person: PendingEsiaPerson; attempts: number };
    return { person, attempts, ttlMs };
  }

  /** Puts a link ticket back after a wrong password (same remaining lifetime), unless attempts ran out. */
  async returnLinkTicket(token: string, taken: { person: PendingEsiaPerson; attempts: number; ttlMs: number }): Promise<void> {
    const attempts = taken.attempts + 1;
    if (attempts >= LINK_TICKET_MAX_ATTEMPTS || taken.ttlMs <= 0) return;
    await this.redis.set(`esia:link-ticket:${sha256(token)}`, JSON.stringify({ person: taken.person, attempts }), 'PX', taken.ttlMs);
  }
}
