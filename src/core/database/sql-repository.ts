import { DataSource, EntityManager } from 'typeorm';
import { queryPrepared } from './prepared';

/**
 * Base of repositories that speak SQL: named parameters (`:name`, arrays as `IN (:...ids)`) on the
 * caller's transaction when one is given, and transactions opened by the service that owns them.
 */
export abstract class SqlRepository {
  protected constructor(protected readonly db: DataSource) {}

  run<T>(sql: string, params: Record<string, unknown>, manager: EntityManager = this.db.manager): Promise<T[]> {
    const [q, values] = this.db.driver.escapeQueryWithParameters(sql, params);
    return manager.query(q, values);
  }

  /** Like run(), outside any transaction, as a named prepared statement (see queryPrepared). */
  runPrepared<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
    const [text, values] = this.db.driver.escapeQueryWithParameters(sql, params);
    return queryPrepared<T>(this.db, text, values);
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
