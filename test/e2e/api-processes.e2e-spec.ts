import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Role } from '../../src/common/auth/role';
import { makeUser, waitFor } from '../factories';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';

const ROOT = join(__dirname, '..', '..');

/** One request on a new connection (node:cluster hands each connection to one of the processes). */
function call(port: number, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: { ...(data ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (c) => (text += c))
          .on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const childrenOf = (pid: number): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .sort();
  } catch {
    return []; // pgrep exits 1 when there are none
  }
};

describe('API_PROCESSES: several HTTP processes on one port', () => {
  let t: TestApp;
  let primary: ChildProcess;
  let port: number;
  /** pids the primary reported as listening, in order */
  const listening: number[] = [];

  beforeAll(async () => {
    t = await createTestApp(); // a migrated database of its own (the in-process app is not used for HTTP)
    port = await freePort();
    primary = spawn(process.execPath, ['-r', join(ROOT, 'test/utils/ts-register.js'), join(ROOT, 'src/main.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: {
        ...process.env,
        // no JWT_SECRET: outside production a secret is generated, and every process must use the same one
        NODE_ENV: 'development',
        APP_ROLE: 'api',
        API_PROCESSES: '2',
        PORT: String(port),
        DATABASE_URL: t.config.databaseUrl,
        REDIS_PREFIX: `${t.config.redisPrefix}-cluster`,
        DATA_ENCRYPTION_KEY: '0f'.repeat(32),
        PASSWORD_HASH_ROUNDS: '4',
        LOG_LEVEL: 'silent',
        DB_POOL_SIZE: '2',
      },
    });
    primary.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const m of chunk.matchAll(/HTTP process (\d+) listening/g)) listening.push(Number(m[1]));
    });
    await waitFor(async () => listening.length >= 2, 'both HTTP processes listening', 90_000, 100);
  }, 120_000);

  afterAll(async () => {
    if (primary.exitCode === null) primary.kill('SIGKILL');
    await t.close();
  });

  it('runs two processes that accept the same tokens', async () => {
    expect(childrenOf(primary.pid!)).toEqual([...listening].sort());
    const user = await makeUser(t.db, { roles: [Role.Parent] });
    const signIn = await call(port, 'POST', '/api/v1/auth/login', { login: user.login, password: user.password });
    expect(signIn.status).toBe(200);
    // each call on a new connection, spread over both processes: all accept a token signed by one of them
    const statuses = await Promise.all(
      Array.from({ length: 12 }, () => call(port, 'GET', '/api/v1/me', undefined, signIn.body.accessToken).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array(12).fill(200));
  });

  it('replaces a process that dies, and stops all of them on SIGTERM', async () => {
    const [victim, survivor] = childrenOf(primary.pid!);
    process.kill(victim, 'SIGKILL');
    await waitFor(async () => listening.length === 3, 'a replacement process listening', 60_000, 100);
    const replaced = childrenOf(primary.pid!);
    expect(replaced).toEqual([survivor, listening[2]].sort());
    await waitFor(async () => (await call(port, 'GET', '/health/live').catch(() => ({ status: 0 }))).status === 200, 'still answering');

    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(
      replaced.filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      }),
    ).toEqual([]);
  }, 120_000);
});
