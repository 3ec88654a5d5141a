import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { typeormOptions } from './typeorm-options';

const MIGRATION_LOCK_KEY = 727_001; // pg_advisory_lock key: one migrator at a time across api/worker instances

/** Creates the database named in DATABASE_URL when it is missing. Returns true if it was created. */
export async function ensureDatabaseExists(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const client = new Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (e) {
      if ((e as { code?: string }).code !== '42P04') throw e; // created meanwhile by another instance
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

/** Applies pending migrations under an advisory lock. Returns the names applied. */
export async function runMigrations(config: AppConfig): Promise<string[]> {
  const ds = new DataSource(typeormOptions(config, { poolSize: 1 }));
  await ds.initialize();
  try {
    await ds.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await ds.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await ds.destroy();
  }
}
