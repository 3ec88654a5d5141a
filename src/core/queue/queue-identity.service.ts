import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** How long a process trusts the incarnation it read before reading it again (the relay re-reads every round). */
const CACHE_MS = 30_000;

/**
 * The incarnation of this database: the prefix of every Bull job id (see job-ids.ts).
 *
 * The `installation` row is written by the migration that creates the database, so a database created
 * again from scratch has a new one. A copy — `pg_dump`/`pg_restore` into a new database, `CREATE
 * DATABASE … TEMPLATE`, a point-in-time recovery — keeps the row, so the row also keeps a fingerprint
 * of the physical database (its OID, the cluster's system identifier, the WAL timeline): when the
 * fingerprint differs, this is a copy, and the incarnation is renewed. A renewal that was not needed
 * (say, a major upgrade that changed the OID) costs nothing: the jobs of the old incarnation still run,
 * and every consumer is idempotent.
 */
@Injectable()
export class QueueIdentity {
  private readonly logger = new Logger(QueueIdentity.name);
  private cached: { value: string; at: number } | null = null;
  private fingerprintSql: Promise<string> | null = null;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The incarnation (cached for a while). */
  async current(): Promise<string> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.value;
    return this.refresh();
  }

  /** Reads the incarnation, renewing it first when the database turns out to be a copy. */
  async refresh(manager: EntityManager | DataSource = this.db): Promise<string> {
    const fingerprint = await this.fingerprint(manager);
    // The migration leaves `migration:<oid>`: on that same database the fingerprint is only completed.
    // (TypeORM answers an UPDATE … RETURNING with [rows, affected])
    const [changed]: [Array<{ incarnation: string; renewed: boolean }>, number] = await manager.query(
      `UPDATE installation SET
          incarnation = CASE WHEN fingerprint = 'migration:' || split_part($1, ':', 1) THEN incarnation ELSE gen_random_uuid() END,
          incarnation_started_at = CASE WHEN fingerprint = 'migration:' || split_part($1, ':', 1) THEN incarnation_started_at ELSE now() END,
          fingerprint = $1
        WHERE fingerprint IS DISTINCT FROM $1
        RETURNING incarnation, incarnation_started_at = now() AS renewed`,
      [fingerprint],
    );
    let value: string;
    if (changed.length) {
      value = changed[0].incarnation;
      if (changed[0].renewed)
        this.logger.warn(
          { incarnation: value },
          'This database is a copy (restored or cloned): queue job ids use a new incarnation from now on',
        );
    } else {
      const rows: Array<{ incarnation: string }> = await manager.query('SELECT incarnation FROM installation');
      if (rows.length !== 1 || !rows[0].incarnation)
        throw new Error('The installation table must hold exactly one row (see its migration)');
      value = rows[0].incarnation;
    }
    this.cached = { value, at: Date.now() };
    return value;
  }

  /** `<oid>:<system identifier>:<timeline>` of the current database; parts the role may not read are left empty. */
  private async fingerprint(manager: EntityManager | DataSource): Promise<string> {
    this.fingerprintSql ??= fingerprintSql(manager).catch((e) => {
      this.fingerprintSql = null;
      throw e;
    });
    const [row] = await manager.query(await this.fingerprintSql);
    return row.fingerprint;
  }
}

/** The fingerprint query, without the pg_control functions this role may not execute (they are superuser-only on some hosts). */
async function fingerprintSql(manager: EntityManager | DataSource): Promise<string> {
  const [may] = await manager.query(
    `SELECT has_function_privilege('pg_control_system()', 'EXECUTE') AS system, has_function_privilege('pg_control_checkpoint()', 'EXECUTE') AS checkpoint`,
  );
  const system = may.system ? '(SELECT system_identifier::text FROM pg_control_system())' : `''`;
  const timeline = may.checkpoint ? '(SELECT timeline_id::text FROM pg_control_checkpoint())' : `''`;
  return `SELECT d.oid::text || ':' || ${system} || ':' || ${timeline} AS fingerprint FROM pg_database d WHERE d.datname = current_database()`;
}
