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
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/**
 * SQLSTATEs that mean "the server cannot serve you right now", not "your query is wrong":
 * class 08 (connection exception), 53300 too many connections, 53400 configuration limit,
 * 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up / recovery),
 * 57014 query cancelled (statement_timeout).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53300|53400|57P0[123]|57014)$/;

/** Messages of node-postgres (pg, pg-pool) when the server is gone, slow or refuses. */
const PG_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|sorry, too many clients/i;

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
  lastFailureAt: number;
  /** Failures of the current outage, and those since its last log line. */
  failures: number;
  untold: number;
  lastLineAt: number;
  probe: NodeJS.Timeout | null;
}

/**
 * One log line per outage, not one per request: the first failure logs at error level, then at most
 * one line a minute with the count of failures since, and one line when the dependency answers again.
 * "Again" means a probe (`SELECT 1`, `PING`, every PROBE_EVERY_MS while it is down) succeeds with no
 * failure reported for QUIET_MS, so a stream of timeouts under load is one outage, not one per query.
 * Requests during the outage get 503 SERVICE_UNAVAILABLE with Retry-After (the exception filter);
 * recovery needs no restart (the pools reconnect on their own).
 */
@Injectable()
export class DependencyOutages implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly REPEAT_EVERY_MS = 60_000;
  static readonly PROBE_EVERY_MS = 1_000;
  static readonly QUIET_MS = 2_000;
  private readonly logger = new Logger('Dependencies');
  private readonly states = new Map<Dependency, State>();
  private readonly probes = new Map<Dependency, () => Promise<unknown>>();

  constructor(private readonly moduleRef?: ModuleRef) {}

  onApplicationBootstrap(): void {
    const db = this.optional<DataSource>(getDataSourceToken());
    if (db) this.watch('database', () => db.query('SELECT 1'));
    const redis = this.optional<Redis>(REDIS);
    if (redis) {
      // ioredis reports every failed reconnect here; without a listener it prints each one to stderr
      redis.on('error', (e: Error) => this.report('redis', e));
      this.watch('redis', () => redis.ping());
    }
  }

  onApplicationShutdown(): void {
    for (const s of this.states.values()) if (s.probe) clearInterval(s.probe);
  }

  /** How to tell that `dep` answers again. */
  watch(dep: Dependency, probe: () => Promise<unknown>): void {
    this.probes.set(dep, () => withTimeout(probe(), 2_000, dep));
  }

  isDown(dep: Dependency): boolean {
    return this.states.get(dep)?.down ?? false;
  }

  /** A failure that means `dep` is unavailable (a request answered 503, an idle pooled connection dropped, …). */
  report(dep: Dependency, err: unknown): void {
    const now = Date.now();
    const s = this.state(dep);
    s.lastFailureAt = now;
    if (!s.down) {
      Object.assign(s, { down: true, since: now, failures: 1, untold: 0, lastLineAt: now });
      this.startProbe(dep, s);
      this.logger.error(
        { dependency: dep, reason: describe(err) },
        `${NAMES[dep]} is unavailable: requests that need it answer 503 until it is back`,
      );
      return;
    }
    s.failures++;
    s.untold++;
    if (now - s.lastLineAt >= DependencyOutages.REPEAT_EVERY_MS) {
      this.logger.warn(
        { dependency: dep, failures: s.untold, downForSec: Math.round((now - s.since) / 1000), reason: describe(err) },
        `${NAMES[dep]} is still unavailable`,
      );
      s.lastLineAt = now;
      s.untold = 0;
    }
  }

  private recovered(dep: Dependency, s: State): void {
    if (!s.down || Date.now() - s.lastFailureAt < DependencyOutages.QUIET_MS) return;
    s.down = false;
    if (s.probe) clearInterval(s.probe);
    s.probe = null;
    this.logger.log(
      { dependency: dep, downForSec: Math.round((Date.now() - s.since) / 1000), failures: s.failures },
      `${NAMES[dep]} is available again`,
    );
  }

  private state(dep: Dependency): State {
    let s = this.states.get(dep);
    if (!s) this.states.set(dep, (s = { down: false, since: 0, lastFailureAt: 0, failures: 0, untold: 0, lastLineAt: 0, probe: null }));
    return s;
  }

  private startProbe(dep: Dependency, s: State): void {
    const probe = this.probes.get(dep);
    if (!probe || s.probe) return;
    let running = false;
    s.probe = setInterval(() => {
      if (running) return;
      running = true;
      probe()
        .then(
          () => this.recovered(dep, s),
          () => undefined,
        )
        .finally(() => (running = false));
    }, DependencyOutages.PROBE_EVERY_MS);
    s.probe.unref();
  }

  private optional<T>(token: unknown): T | null {
    try {
      return this.moduleRef?.get<T>(token as string, { strict: false }) ?? null;
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
