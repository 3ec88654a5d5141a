import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

const names = new Map<string, string>();

/**
 * Runs a query (positional `$n` parameters) outside any transaction as a named prepared statement:
 * PostgreSQL parses it once per connection and, after a few executions, reuses a generic plan. For the
 * hot, small reads made on every request, where planning costs more than running.
 */
export async function queryPrepared<T>(db: DataSource, text: string, values: unknown[]): Promise<T[]> {
  let name = names.get(text);
  if (!name) {
    name = `q_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  const pool = (db.driver as PostgresDriver).master as Pool;
  return (await pool.query({ name, text, values })).rows as T[];
}
