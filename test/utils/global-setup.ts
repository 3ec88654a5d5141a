import 'reflect-metadata';
import { loadConfig } from '../../src/config/app-config';
import { runMigrations } from '../../src/core/database/prepare-database';
import { databaseUrl, runId, TEST_DB_PATTERN, templateDb, withAdminClient } from './test-db';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Once per `jest` run: build this run's template database from the migrations. Every test file
 * clones it (CREATE DATABASE … TEMPLATE …), so tests never share rows. Databases of runs whose
 * process is gone (interrupted earlier) are dropped; those of runs still going are left alone.
 */
export default async function globalSetup(): Promise<void> {
  process.env.DIARY_TEST_RUN_ID = runId(); // inherited by the workers
  await withAdminClient(async (c) => {
    const existing = await c.query("SELECT datname FROM pg_database WHERE datname LIKE 'diary\\_test\\_%'");
    for (const { datname } of existing.rows as Array<{ datname: string }>) {
      const owner = TEST_DB_PATTERN.exec(datname)?.[1];
      if (!owner || Number(owner) === process.pid || !alive(Number(owner))) {
        await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    }
    await c.query(`CREATE DATABASE "${templateDb()}"`);
  });
  await runMigrations(loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl(templateDb()) }));
}
