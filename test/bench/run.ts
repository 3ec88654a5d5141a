/**
 * `npm run bench`: starts the built service against the benchmark database (production mode, an api
 * process and a separate worker), mints tokens for many random users in advance, and drives each
 * scenario with autocannon in a separate process after a warm-up. Writes test/bench/results/<date>.json
 * and prints a table. It measures and reports; it never fails on a slow machine.
 *
 * Options: --duration 20 --warmup 5 --connections 50 --users 2000 --only baseline,login --port 3100
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import Redis from 'ioredis';
import { Client } from 'pg';
import { arg, BENCH_DATA_KEY, BENCH_DB, BENCH_JWT_SECRET, BENCH_PASSWORD, connect, dbName } from './common';
import { SCENARIOS, ScenarioContext, Tokens } from './scenarios';

const ROOT = resolve(__dirname, '../../..');
const port = Number(arg('port', '3100'));
const baseUrl = `http://127.0.0.1:${port}`;
const duration = Number(arg('duration', '20'));
const warmup = Number(arg('warmup', '10'));
const connections = Number(arg('connections', '50'));
const usersPerRole = Number(arg('users', '2000'));
const only = arg('only', '').split(',').filter(Boolean);

const env = {
  ...process.env,
  NODE_ENV: 'production',
  DATABASE_URL: BENCH_DB,
  JWT_SECRET: BENCH_JWT_SECRET,
  DATA_ENCRYPTION_KEY: BENCH_DATA_KEY,
  PORT: String(port),
  LOG_LEVEL: 'warn',
  REDIS_PREFIX: 'bench',
  LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
  TOKEN_RATE_LIMIT_PER_MINUTE: '100000',
  PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
  ESIA_RATE_LIMIT_PER_MINUTE: '100000',
  DB_POOL_SIZE: process.env.DB_POOL_SIZE ?? '8',
  // HTTP processes of the api role (node:cluster); each has its own read cache and a pool of DB_POOL_SIZE
  API_PROCESSES: process.env.API_PROCESSES ?? '1',
  RUN_MIGRATIONS_ON_START: 'true',
};

function start(role: 'api' | 'worker'): ChildProcess {
  // BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the API process under the same load.
  const nodeArgs = role === 'api' ? (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean) : [];
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/src/main.js')], {
    env: { ...env, APP_ROLE: role },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code) => {
    if (code && code !== 0 && !stopping) process.stderr.write(`${role} exited with ${code}\n`);
  });
  return child;
}

let stopping = false;

async function waitReady(api: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (api.exitCode !== null) throw new Error(`the api exited with ${api.exitCode} before it was ready`);
    try {
      const r = await fetch(`${baseUrl}/health/ready`);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the api did not become ready in 60 s');
}

/** Sessions and access tokens for random users of each role, made before any load. */
async function mintTokens(db: Client): Promise<Tokens> {
  const jwt = new JwtService({ secret: BENCH_JWT_SECRET, signOptions: { algorithm: 'HS256', expiresIn: 3600 } });
  const tokens: Tokens = { student: [], parent: [], teacher: [], school_admin: [] };
  for (const role of Object.keys(tokens) as Array<keyof Tokens>) {
    const { rows } = await db.query(
      `WITH picked AS (
         SELECT id, roles, school_id, region_id FROM users TABLESAMPLE SYSTEM (10)
          WHERE $1 = ANY(roles) LIMIT $2)
       , s AS (
         INSERT INTO sessions (user_id, method, refresh_token_hash, last_used_at, expires_at)
         SELECT id, 'password', md5(random()::text), now(), now() + interval '1 day' FROM picked
         RETURNING id, user_id)
       SELECT s.id AS sid, p.id, p.roles, p.school_id, p.region_id FROM s JOIN picked p ON p.id = s.user_id`,
      [role, usersPerRole],
    );
    tokens[role] = rows.map((r) => ({
      userId: r.id,
      schoolId: r.school_id,
      token: jwt.sign({ sub: r.id, sid: r.sid, roles: r.roles, sch: r.school_id, reg: r.region_id }),
    }));
  }
  return tokens;
}

interface Row {
  scenario: string;
  title: string;
  requestsPerSec: number;
  unitsPerSec?: number;
  unit?: string;
  p50: number;
  p97_5: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
  ratioToBaseline?: number;
  /**
   * CPU time the API process spent per answered request (µs): unlike req/s, it barely moves when other
   * programs share the machine, so before/after comparisons on a busy machine use it.
   */
  apiCpuUsPerRequest?: number;
  /** How long the worker then took to finish what the scenario caused (notifications, pushes…). */
  workerDrainSec?: number;
  skipped?: string;
}

/**
 * Waits until the worker has caught up with the work a scenario caused (outbox rows not yet relayed,
 * queued or running jobs), so the next scenario is not measured against a busy worker. Returns seconds.
 */
async function drain(db: Client, redis: Redis, limitSec = 180): Promise<number> {
  const started = Date.now();
  for (;;) {
    const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM domain_events WHERE published_at IS NULL')).rows;
    let queued = 0;
    for (const q of ['notifications', 'push', 'portal-sync', 'schedule', 'maintenance']) {
      // delayed: jobs waiting for a retry are work the worker still has to do
      queued +=
        (await redis.llen(`bench:bull:${q}:wait`)) +
        (await redis.llen(`bench:bull:${q}:active`)) +
        (await redis.zcard(`bench:bull:${q}:delayed`));
    }
    if (n + queued === 0 || Date.now() - started > limitSec * 1000) return Math.round((Date.now() - started) / 100) / 10;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function load(spec: object): Promise<Record<string, any>> {
  const file = join(tmpdir(), `diary-bench-${process.pid}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(spec));
  const child = spawn(process.execPath, [join(ROOT, 'dist/test/bench/load.js'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await new Promise((r) => child.on('exit', r));
  return JSON.parse(out);
}

async function main(): Promise<void> {
  const db = await connect();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const api = start('api');
  const worker = start('worker');
  const rows: Row[] = [];
  try {
    await waitReady(api);
    process.stderr.write(`waiting for the worker to finish earlier work… ${await drain(db, redis, 600)} s\n`);
    const tokens = await mintTokens(db);
    const ctx: ScenarioContext = { db, tokens, baseUrl, password: BENCH_PASSWORD };
    for (const s of SCENARIOS.filter((x) => only.length === 0 || only.includes(x.name))) {
      const prepared = await s.prepare(ctx);
      if (typeof prepared === 'string') {
        rows.push({
          scenario: s.name,
          title: s.title,
          requestsPerSec: 0,
          p50: 0,
          p97_5: 0,
          p99: 0,
          errors: 0,
          non2xx: 0,
          requests: 0,
          skipped: prepared,
        });
        continue;
      }
      process.stderr.write(`running ${s.name} (${warmup}s warm-up + ${duration}s)…\n`);
      const r = await load({
        url: baseUrl,
        method: prepared.method,
        requests: prepared.requests,
        connections: prepared.connections ?? connections,
        duration,
        warmup,
        apiPid: api.pid,
      });
      rows.push({
        scenario: s.name,
        title: s.title,
        requestsPerSec: Math.round(r.requests.average),
        ...(prepared.unitsPerRequest
          ? { unitsPerSec: Math.round(r.requests.average * prepared.unitsPerRequest), unit: prepared.unit }
          : {}),
        p50: r.latency.p50,
        p97_5: r.latency.p97_5,
        p99: r.latency.p99,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
        requests: r.requests.total,
        ...(r.apiCpuSec !== undefined && r.requests.total > 0
          ? { apiCpuUsPerRequest: Math.round((r.apiCpuSec * 1e6) / r.requests.total) }
          : {}),
        workerDrainSec: await drain(db, redis),
      });
    }
    const baseline = rows.find((r) => r.scenario === 'baseline');
    for (const r of rows) if (baseline && !r.skipped) r.ratioToBaseline = Number((r.requestsPerSec / baseline.requestsPerSec).toFixed(2));

    const { rows: size } = await db.query('SELECT pg_database_size($1) AS bytes', [dbName()]);
    const { rows: counts } = await db.query(
      `SELECT relname AS table, n_live_tup AS rows FROM pg_stat_user_tables WHERE n_live_tup > 0 ORDER BY n_live_tup DESC LIMIT 12`,
    );
    const result = {
      date: new Date().toISOString(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      settings: { duration, warmup, connections, usersPerRole, dbPoolSize: Number(env.DB_POOL_SIZE) },
      database: { name: dbName(), sizeMiB: Math.round(Number(size[0].bytes) / 2 ** 20), tables: counts },
      scenarios: rows,
    };
    mkdirSync(join(ROOT, 'test/bench/results'), { recursive: true });
    const file = join(ROOT, 'test/bench/results', `${result.date.slice(0, 10)}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    printTable(rows);
    process.stdout.write(
      `\n${result.machine.cores} cores, ${result.machine.memoryGiB} GiB; database ${result.database.sizeMiB} MiB; written to ${file}\n`,
    );
  } finally {
    stopping = true;
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
    await db.end();
    redis.disconnect();
  }
}

function printTable(rows: Row[]): void {
  const head = [
    'scenario',
    'req/s',
    'units/s',
    'p50 ms',
    'p97.5 ms',
    'p99 ms',
    'API CPU µs/req',
    'errors',
    'non-2xx',
    'x baseline',
    'worker drain s',
  ];
  const lines = rows.map((r) =>
    r.skipped
      ? [r.scenario, '—', '—', '—', '—', '—', '—', '—', '—', `skipped: ${r.skipped}`, '']
      : [
          r.scenario,
          r.requestsPerSec,
          r.unitsPerSec ? `${r.unitsPerSec} ${r.unit}` : '',
          r.p50,
          r.p97_5,
          r.p99,
          r.apiCpuUsPerRequest ?? '',
          r.errors,
          r.non2xx,
          r.ratioToBaseline ?? '',
          r.workerDrainSec ?? '',
        ].map(String),
  );
  const all = [head, ...lines.map((l) => l.map(String))];
  const widths = head.map((_, i) => Math.max(...all.map((l) => l[i].length)));
  const fmt = (l: string[]) => `| ${l.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(`${fmt(head)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${lines.map(fmt).join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
