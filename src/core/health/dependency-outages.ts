import { Global, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { QueryFailedError, type DataSource } from 'typeorm';
import { withTimeout } from '../../common/with-timeout';
import { REDIS } from '../redis/redis.module';

export type Dependency = 'database' | 'redis';

const NAMES: Record<Dependency, string> = { database: 'PostgreSQL', redis: 'Redis' };

/** Connection-level failures of a socket (pg and ioredis both surface these). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * SQLSTATEs that mean "the server cannot serve you right now", not "your query is wrong":
 * class 08 (connection exception), 53300 too many connections, 53400 configuration limit,
 * 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up / recovery),
 * 57014 query cancelled (statement_timeout).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53300|53400|57P0[123]|57014)$/;

/** Messages of node-postgres (pg, pg-pool) when the server is gone, slow or refuses. */
const PG_MESSAGES = /timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|sorry, too many clients/i;

/** ioredis: a command given up after its retries, or sent on a closed connection. */
const REDIS_NAMES = new Set(['MaxRetriesPerRequestError']);
const REDIS_MESSAGES = /^(Connection is closed\.|Stream isn't writeable|redis: no answer in \d+ ms)/;

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  driverError?: unknown;
}

/**
 * Which dependency a failure comes from when it means that dependency is down, unreachable or
 * timing out (and not that the request was wrong): null for everything else.
 */
export function unavailableDependency(e: unknown): Dependency | null {
  if (!e || typeof e !== 'object') return null;
  const err = e as ErrorShape;
  if (REDIS_NAMES.has(err.name ?? '') || REDIS_MESSAGES.test(err.message ?? '')) return 'redis';
  const pg = (e instanceof QueryFailedError ? (err.driverError as ErrorShape | undefined) : err) ?? {};
  if (typeof pg.code === 'string' && (UNAVAILABLE_SQLSTATE.test(pg.code) || SOCKET_CODES.has(pg.code))) return 'database';
  if (PG_MESSAGES.test(pg.message ?? '')) return 'database';
  return null;
}

interface State {
  down: boolean;
  since: number;
  /** Failures of the current outage not yet told in a log line. */
  untold: number;
  total: number;
  /** Whether the current outage's start was logged (so its end is logged too). */
  announced: boolean;
  lastLogAt: number;
  probe: NodeJS.Timeout | null;
}

/**
 * One log line per outage, not one per request: the first failure logs at error level, then at most
 * one line a minute with the count of requests answered 503, and one line when the dependency
 * answers again (PostgreSQL: a `SELECT 1` probe every PROBE_EVERY_MS while it is down; Redis: its
 * client's `ready` event). An outage that starts less than a minute after the last line is counted
 * into the next line instead of logging a new one, so a flapping link cannot flood the log.
 * Requests during the outage get 503 SERVICE_UNAVAILABLE with Retry-After (the exception filter).
 */
@Injectable()
export class DependencyOutages implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly REPEAT_EVERY_MS = 60_000;
  static readonly PROBE_EVERY_MS = 1_000;
  private readonly logger = new Logger('Dependencies');
  private readonly states = new Map<Dependency, State>();
  private readonly probes = new Map<Dependency, () => Promise<unknown>>();

  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationBootstrap(): void {
    const db = this.optional<DataSource>(getDataSourceToken());
    if (db) this.probes.set('database', () => withTimeout(db.query('SELECT 1'), 2_000, 'database'));
    const redis = this.optional<Redis>(REDIS);
    if (redis) {
      redis.on('error', (e: Error) => this.report('redis', e));
      redis.on('ready', () => this.recovered('redis'));
    }
  }

  onApplicationShutdown(): void {
    for (const s of this.states.values()) if (s.probe) clearInterval(s.probe);
  }

  isDown(dep: Dependency): boolean {
    return this.states.get(dep)?.down ?? false;
  }

  /** A failure that means `dep` is unavailable (a request answered 503, an idle pool client dropped, …). */
  report(dep: Dependency, err: unknown): void {
    const now = Date.now();
    const s = this.state(dep);
    s.untold++;
    s.total++;
    if (!s.down) {
      s.down = true;
      s.since = now;
      s.total = 1;
      s.announced = false;
      this.startProbe(dep, s);
    }
    if (!s.announced && now - s.lastLogAt >= DependencyOutages.REPEAT_EVERY_MS) {
      s.announced = true;
      s.lastLogAt = now;
      const earlier = s.untold - 1;
      s.untold = 0;
      this.logger.error(
        { dependency: dep, reason: describe(err), ...(earlier > 0 ? { failuresBefore: earlier } : {}) },
        `${NAMES[dep]} is unavailable: requests that need it answer 503 until it is back`,
      );
    } else if (s.announced && now - s.lastLogAt >= DependencyOutages.REPEAT_EVERY_MS) {
      s.lastLogAt = now;
      this.logger.warn({ dependency: dep, failures: s.untold, downForSec: Math.round((now - s.since) / 1000), reason: describe(err) }, `${NAMES[dep]} is still unavailable`);
      s.untold = 0;
    }
  }

  /** `dep` answers again. */
  recovered(dep: Dependency): void {
    const s = this.states.get(dep);
    if (!s?.down) return;
    s.down = false;
    if (s.probe) clearInterval(s.probe);
    s.probe = null;
    if (!s.announced) return; // a short flap inside the quiet minute: counted into the next line
    s.lastLogAt = Date.now();
    this.logger.log({ dependency: dep, downForSec: Math.round((Date.now() - s.since) / 1000), failures: s.total }, `${NAMES[dep]} is available again`);
    s.untold = 0;
  }

  private state(dep: Dependency): State {
    let s = this.states.get(dep);
    if (!s) this.states.set(dep, (s = { down: false, since: 0, untold: 0, total: 0, announced: false, lastLogAt: -Infinity, probe: null }));
    return s;
  }

  private startProbe(dep: Dependency, s: State): void {
    const probe = this.probes.get(dep);
    if (!probe || s.probe) return;
    let running = false;
    s.probe = setInterval(() => {
      if (running) return;
      running = true;
      probe().then(() => this.recovered(dep), () => undefined).finally(() => (running = false));
    }, DependencyOutages.PROBE_EVERY_MS);
    s.probe.unref();
  }

  private optional<T>(token: unknown): T | null {
    try {
      return this.moduleRef.get<T>(token as string, { strict: false });
    } catch {
      return null;
    }
  }
}

/** The code and message of a failure, never its parameters or stack. */
function describe(err: unknown): Record<string, unknown> {
  const e = (err instanceof QueryFailedError ? (err as ErrorShape).driverError : err) as ErrorShape | undefined;
  return { code: e?.code, message: typeof e?.message === 'string' ? e.message.slice(0, 200) : undefined };
}

@Global()
@Module({ providers: [DependencyOutages], exports: [DependencyOutages] })
export class DependencyOutagesModule {}
