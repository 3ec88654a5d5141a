import { Client } from 'pg';

export const BENCH_DB = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/diary_bench';
export const BENCH_JWT_SECRET = 'bench-only-jwt-secret-0123456789abcdef0123456789';
/** TEST KEY: the benchmark's data is synthetic. */
export const BENCH_DATA_KEY = 'be'.repeat(32);
/** Every synthetic account's password (bcrypt cost as in production). */
export const BENCH_PASSWORD = 'Bench-2026!';

export function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : def;
}

export async function connect(url = BENCH_DB): Promise<Client> {
  const c = new Client({ connectionString: url });
  await c.connect();
  return c;
}

export function adminUrl(url = BENCH_DB): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

export function dbName(url = BENCH_DB): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}
