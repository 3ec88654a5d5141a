import 'reflect-metadata';
import { loadConfig } from '../../src/config/app-config';
import { runMigrations } from '../../src/core/database/prepare-database';
import { databaseUrl, TEMPLATE_DB, withAdminClient } from './test-db';

/**
 * Once per `jest` run: rebuild the template database from the migrations. Every test file then
 * clones it (CREATE DATABASE … TEMPLATE …), so tests never share rows.
 */
export default async function globalSetup(): Promise<void> {
  await withAdminClient(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DB}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
    // Databases left behind by an interrupted earlier run.
    const stale = await c.query(
      "SELECT datname FROM pg_database WHERE datname LIKE 'diary_test\\_%' AND datname <> $1",
      [TEMPLATE_DB],
    );
    for (const row of stale.rows as Array<{ datname: string }>) {
      await c.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    }
  });
  await runMigrations(loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl(TEMPLATE_DB) }));
}
