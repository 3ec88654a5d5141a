import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Base of every test database URL: the local PostgreSQL unless TEST_DATABASE_URL says otherwise. */
export const TEST_PG_BASE = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * One id per `jest` run (the pid of the process that ran globalSetup), so runs on the same machine
 * — a developer's and a helper's, say — never touch each other's databases.
 */
export const runId = (): string => process.env.DIARY_TEST_RUN_ID ?? String(process.pid);
export const templateDb = (): string => `diary_test_${runId()}_template`;
export const TEST_DB_PATTERN = /^diary_test_(\d+)_/;

export function databaseUrl(name: string): string {
  const url = new URL(TEST_PG_BASE);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdminClient<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated template (fast: a file copy, no migrations). */
export async function createTestDatabase(): Promise<string> {
  const name = `diary_test_${runId()}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(async (c) => {
    // Two workers cloning at the same instant can collide on the template; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDb()}"`);
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== '55006' || attempt > 20) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  return name;
}

export async function dropTestDatabase(name: string): Promise<void> {
  await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
