import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Base of repositories that speak SQL: named parameters (`:name`, arrays as `IN (:...ids)`) on the
 * caller's transaction when one is given, and transactions opened by the service that owns them.
 */
export abstract class SqlRepository {
  private static readonly statementNames = new Map<string, string>();

  protected constructor(protected readonly db: DataSource) {}

  run<T>(sql: string, params: Record<string, unknown>, manager: EntityManager = this.db.manager): Promise<T[]> {
    const [q, values] = this.db.driver.escapeQueryWithParameters(sql, params);
    return manager.query(q, values);
  }

  /**
   * Like run(), outside any transaction, as a named prepared statement: PostgreSQL parses it once per
   * connection and, after a few executions, reuses a generic plan. For the hot, small reads on every
   * request (access checks of cached views), where planning costs more than running.
   */
  async runPrepared<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
    const [text, values] = this.db.driver.escapeQueryWithParameters(sql, params);
    let name = SqlRepository.statementNames.get(text);
    if (!name) {
      name = `q_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      SqlRepository.statementNames.set(text, name);
    }
    const pool = (this.db.driver as PostgresDriver).master as Pool;
    return (await pool.query({ name, text, values })).rows as T[];
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
