import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { epochMicrosSql, RowStamp } from '../../../core/queue/job-ids';

export interface DeliveryJobRow {
  id: string;
  /** The status before this run claimed it: 'sending' means an earlier run was interrupted mid-send. */
  status: string;
  /** Whether this run marked it 'sending' (false: it was finished already, or is gone). */
  claimed: boolean;
  attempts: number;
  notification_id: string;
  device_id: string;
  device_kind: string;
  address: string;
  p256dh: string | null;
  auth: string | null;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  created_at: Date;
}

/**
 * SQL of `push_deliveries`: one row per (notification, device), the guard that makes a re-run push job
 * send nothing twice. Joins only the module's own tables (notifications, push_devices).
 */
@Injectable()
export class PushDeliveriesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** One delivery row per (notification, device of its user); existing rows are kept. */
  async insertDeliveries(tx: EntityManager, notificationIds: string[]): Promise<void> {
    if (notificationIds.length === 0) return;
    await tx.query(
      `INSERT INTO push_deliveries (notification_id, device_id)
       SELECT n.id, d.id FROM notifications n JOIN push_devices d ON d.user_id = n.user_id WHERE n.id = ANY($1::bigint[])
       ON CONFLICT (notification_id, device_id) DO NOTHING`,
      [notificationIds],
    );
  }

  /**
   * Push deliveries for the notifications of (event, user) pairs, made by this run or an earlier one:
   * one row per device of the user (existing rows kept). Returns all unfinished deliveries of those
   * notifications (id and creation time, for the job key), oldest first, so a retried fan-out re-queues
   * what a crash left unqueued.
   */
  async deliveriesForEvents(tx: EntityManager, pairs: Array<{ eventId: string; userId: string }>): Promise<RowStamp[]> {
    if (pairs.length === 0) return [];
    const rows: RowStamp[] = await tx.query(
      `WITH t AS (
         SELECT n.id, n.user_id FROM unnest($1::bigint[], $2::uuid[]) AS p(event_id, user_id)
           JOIN notifications n ON n.event_id = p.event_id AND n.user_id = p.user_id AND n.event_id IS NOT NULL
       ), ins AS (
         INSERT INTO push_deliveries (notification_id, device_id)
         SELECT t.id, d.id FROM t JOIN push_devices d ON d.user_id = t.user_id
         ON CONFLICT (notification_id, device_id) DO NOTHING
         RETURNING id, created_at
       )
       SELECT id, ${epochMicrosSql('created_at')} AS at FROM ins
       UNION
       SELECT pd.id, ${epochMicrosSql('pd.created_at')} AS at FROM push_deliveries pd JOIN t ON pd.notification_id = t.id WHERE pd.status IN ('pending', 'sending')
       ORDER BY id`,
      [pairs.map((p) => p.eventId), pairs.map((p) => p.userId)],
    );
    return rows.map((r) => ({ id: String(r.id), at: String(r.at) }));
  }

  async pendingDeliveries(notificationIds: string[]): Promise<RowStamp[]> {
    if (notificationIds.length === 0) return [];
    const rows: RowStamp[] = await this.db.query(
      `SELECT id, ${epochMicrosSql('created_at')} AS at FROM push_deliveries
        WHERE notification_id = ANY($1::bigint[]) AND status IN ('pending', 'sending') ORDER BY id`,
      [notificationIds],
    );
    return rows.map((r) => ({ id: String(r.id), at: String(r.at) }));
  }

  /**
   * Claims one delivery for a send: marks it 'sending' (attempts + 1) in its own committed statement,
   * before the push service is called, and returns what the push needs with the status it had. A row
   * found 'sending' was being sent when its worker died: the push may or may not have arrived, so it is
   * sent again (with the same Topic / collapse key, so a device that got both shows one). A finished row
   * is returned unclaimed.
   */
  async claimDelivery(id: string): Promise<DeliveryJobRow | null> {
    const rows: DeliveryJobRow[] = await this.db.query(
      `WITH o AS (
         SELECT id, status FROM push_deliveries WHERE id = $1 FOR UPDATE
       ), c AS (
         UPDATE push_deliveries pd SET status = 'sending', sending_at = now(), attempts = pd.attempts + 1
           FROM o WHERE pd.id = o.id AND o.status IN ('pending', 'sending')
         RETURNING pd.id, pd.attempts
       )
       SELECT pd.id, o.status, (c.id IS NOT NULL) AS claimed, COALESCE(c.attempts, pd.attempts) AS attempts, pd.notification_id, pd.device_id,
              d.kind AS device_kind, d.address, d.p256dh, d.auth, n.kind, n.title, n.body, n.data, n.created_at
         FROM o JOIN push_deliveries pd ON pd.id = o.id LEFT JOIN c ON c.id = o.id
         JOIN push_devices d ON d.id = pd.device_id JOIN notifications n ON n.id = pd.notification_id`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Records a successful push (only the claimed row changes: a duplicate run cannot count twice). */
  async markSent(id: string, deviceId: string): Promise<boolean> {
    const [, n] = await this.db.query(
      `UPDATE push_deliveries SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = $1 AND status = 'sending'`,
      [id],
    );
    await this.db.query('UPDATE push_devices SET last_success_at = now() WHERE id = $1', [deviceId]);
    return Number(n) > 0;
  }

  /** Records a failed attempt of a claimed row: back to pending (Bull retries), or final. */
  async markAttempt(id: string, error: string, final: 'failed' | 'skipped' | null): Promise<void> {
    await this.db.query(
      `UPDATE push_deliveries SET last_error = $2, status = COALESCE($3, 'pending') WHERE id = $1 AND status = 'sending'`,
      [id, error.slice(0, 500), final],
    );
  }

  /**
   * Stalled sends (the worker sweep): rows 'sending' for more than `olderThanSec` whose job will not run
   * again. Those with `maxAttempts` or more attempts are given up ('failed'); the others are taken for
   * a resend by setting `sending_at` to now (so a second sweep, or the next round, does not take them
   * again for `olderThanSec`) and returned in id order, at most `limit` of each. SKIP LOCKED: a row
   * being claimed by its job, or taken by another worker's sweep, is left to it. Cheap without an index
   * of its own: the planner reads the partial index of unfinished rows (`ix_push_deliveries_pending`).
   */
  async takeStalled(olderThanSec: number, maxAttempts: number, limit: number): Promise<{ resend: RowStamp[]; givenUp: number }> {
    const stalled = `SELECT id FROM push_deliveries
        WHERE status = 'sending' AND sending_at < now() - make_interval(secs => $1) AND attempts %s $2
        ORDER BY sending_at LIMIT $3 FOR UPDATE SKIP LOCKED`;
    const [, givenUp] = await this.db.query(
      `UPDATE push_deliveries SET status = 'failed', last_error = 'interrupted while sending ' || attempts || ' times'
        WHERE id IN (${stalled.replace('%s', '>=')})`,
      [olderThanSec, maxAttempts, limit],
    );
    // an UPDATE answers [rows, count] through TypeORM
    const [rows]: [RowStamp[], number] = await this.db.query(
      `UPDATE push_deliveries SET sending_at = now() WHERE id IN (${stalled.replace('%s', '<')})
       RETURNING id, ${epochMicrosSql('created_at')} AS at`,
      [olderThanSec, maxAttempts, limit],
    );
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    return { resend: rows.map((r) => ({ id: String(r.id), at: String(r.at) })), givenUp: Number(givenUp) };
  }
}
