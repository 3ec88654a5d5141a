import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { schoolAdminPositionalSql } from '../../access';

export interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  school_id: string | null;
  student_ids: string[];
  idempotency_key: string;
  status: string;
  attempts: number;
  manual_retries: number;
  last_error: string | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
}

const COLS =
  'id, event_id, event_type, school_id, student_ids, idempotency_key, status, attempts, manual_retries, last_error, last_attempt_at, delivered_at, created_at';

/** SQL of portal sync on its own portal_deliveries; who a delivery is about is read-models/portal-students.read-model.ts. */
@Injectable()
export class PortalSyncRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async insert(d: {
    eventId: string;
    eventType: string;
    schoolId: string | null;
    studentIds: string[];
    idempotencyKey: string;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO portal_deliveries (event_id, event_type, school_id, student_ids, idempotency_key) VALUES ($1, $2, $3, $4::uuid[], $5)
       ON CONFLICT (event_id) DO NOTHING`,
      [d.eventId, d.eventType, d.schoolId, d.studentIds, d.idempotencyKey],
    );
  }

  async byEvent(eventId: string): Promise<DeliveryRow | null> {
    const rows: DeliveryRow[] = await this.db.query(`SELECT ${COLS} FROM portal_deliveries WHERE event_id = $1`, [eventId]);
    return rows[0] ?? null;
  }

  async markDelivered(id: string): Promise<void> {
    await this.db.query(
      `UPDATE portal_deliveries SET status = 'delivered', attempts = attempts + 1, last_attempt_at = now(), delivered_at = now(), last_error = NULL, updated_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [id],
    );
  }

  async markAttempt(id: string, error: string, failed: boolean): Promise<void> {
    await this.db.query(
      `UPDATE portal_deliveries SET attempts = attempts + 1, last_attempt_at = now(), last_error = $2, status = CASE WHEN $3 THEN 'failed' ELSE status END, updated_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [id, error.slice(0, 1000), failed],
    );
  }

  async listForAdmin(p: Principal, status: string | null, beforeEventId: string | null, limit: number): Promise<DeliveryRow[]> {
    const s = deliveriesScope(p, 4);
    return this.db.query(
      `SELECT ${COLS.split(', ')
        .map((c) => `d.${c}`)
        .join(', ')} FROM portal_deliveries d
        WHERE ($1::text IS NULL OR d.status = $1) AND ($2::bigint IS NULL OR d.event_id < $2) AND ${s.sql}
        ORDER BY d.event_id DESC LIMIT $3`,
      s.value === null ? [status, beforeEventId, limit] : [status, beforeEventId, limit, s.value],
    );
  }

  async findForAdmin(tx: EntityManager, p: Principal, id: string): Promise<DeliveryRow | null> {
    const s = deliveriesScope(p, 2);
    const rows: DeliveryRow[] = await tx.query(
      `SELECT ${COLS.split(', ')
        .map((c) => `d.${c}`)
        .join(', ')} FROM portal_deliveries d WHERE d.id = $1 AND ${s.sql} FOR UPDATE`,
      s.value === null ? [id] : [id, s.value],
    );
    return rows[0] ?? null;
  }

  async reopen(tx: EntityManager, id: string): Promise<DeliveryRow> {
    const [rows] = await tx.query(
      `UPDATE portal_deliveries SET status = 'pending', manual_retries = manual_retries + 1, updated_at = now() WHERE id = $1 RETURNING ${COLS}`,
      [id],
    );
    return (rows as DeliveryRow[])[0];
  }

  /** Compensates a reopen whose job could not be queued (only if nothing has touched it since). */
  async undoReopen(id: string, manualRetries: number): Promise<void> {
    await this.db.query(
      `UPDATE portal_deliveries SET status = 'failed', updated_at = now() WHERE id = $1 AND status = 'pending' AND manual_retries = $2`,
      [id, manualRetries],
    );
  }
}

/** Deliveries an admin may see: those of the schools they administer (access/school.access.ts), SQL-scoped. */
const deliveriesScope = (p: Principal, param: number): { sql: string; value: string | null } =>
  schoolAdminPositionalSql(p, 'd.school_id', param);
