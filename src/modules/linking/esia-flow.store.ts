import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { REDIS } from '../../core/redis/redis.module';
import { EsiaAccountLevel } from '../esia/identity-provider';
import { EsiaLinkMethod } from './entities/esia-link.entity';

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

export interface SignInTicket {
  userId: string;
  /** How the user was identified: already_linked | snils_fio | session (goes to the login history). */
  reason: string;
  linkedNow: EsiaLinkMethod | null;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const newSecret = (): string => randomBytes(32).toString('base64url');

/**
 * The short-lived pieces of the ESIA browser flow, in Redis only (never in process memory, never in
 * the database): OAuth state bound to the browser, link intents, sign-in and link tickets. Secrets
 * are stored under their SHA-256, so a Redis dump does not hand out usable tickets. Every piece is
 * single use: taken with GETDEL.
 */
@Injectable()
export class EsiaFlowStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** A new OAuth state (UUID v4) and the browser secret to put into the httpOnly cookie. */
  async createState(purpose: FlowPurpose): Promise<{ state: string; browserSecret: string }> {
    const state = randomUUID();
    const browserSecret = newSecret();
    await this.redis.set(`esia:state:${state}`, JSON.stringify({ browser: sha256(browserSecret), purpose }), 'EX', ESIA_FLOW_TTL.state);
    return { state, browserSecret };
  }

  /**
   * Takes the state (single use) if it exists and belongs to this browser; null when missing,
   * reused, expired, or started in another browser.
   */
  async takeState(state: unknown, browserSecret: string | undefined): Promise<FlowPurpose | null> {
    if (typeof state !== 'string' || !/^[0-9a-f-]{36}$/.test(state)) return null;
    const raw = await this.redis.getdel(`esia:state:${state}`);
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
    const [[, ttlMs], [, raw]] = (await this.redis.multi().pttl(key).getdel(key).exec()) as [[Error | null, number], [Error | null, string | null]];
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
