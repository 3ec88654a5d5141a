import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { afterCursorSql, FeedPosition, feedOrderSql } from '../../core/feeds/feed-cursor';

export interface NotificationRow {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
}

export interface NewNotification {
  userId: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

export interface NewEventNotification extends NewNotification {
  eventId: string;
}

export interface EventNotificationRow extends NotificationRow {
  event_id: string;
}

const N_COLS = 'id, user_id, kind, title, body, data, created_at, read_at';
/** Rows per INSERT of a fan-out batch (six arrays of this length are one statement's parameters). */
const INSERT_CHUNK = 5000;

/**
 * SQL of the `notifications` table (named, parameterised SQL; no query builder), and the transactions
 * of the module's use cases. The other own tables have their repositories (preferences, push devices,
 * push deliveries); what is read from other modules' tables is in read-models/recipients.read-model.ts.
 */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  /**
   * The transaction of one fan-out batch: its reads and writes run on one connection, with parallel
   * query off. Its lookups are a few hundred index probes; for `= ANY(<100 ids>)` PostgreSQL
   * estimates enough cost to start parallel workers, which made the recipient lookup 15–20 ms
   * instead of about 1 ms (measured on the 100,000-student benchmark database).
   */
  fanOutTransaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('SET LOCAL max_parallel_workers_per_gather = 0');
      return fn(tx);
    });
  }

  /**
   * Inserts the notifications of a batch of events, in the order given (ids follow it), INSERT_CHUNK
   * rows per statement; rows that exist (a second run) are skipped. Returns the new ones.
   */
  async insertForEvents(tx: EntityManager, rows: NewEventNotification[]): Promise<EventNotificationRow[]> {
    const out: EventNotificationRow[] = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      const inserted: EventNotificationRow[] = await tx.query(
        `INSERT INTO notifications (event_id, user_id, kind, title, body, data)
         SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
         ON CONFLICT (event_id, user_id) WHERE event_id IS NOT NULL DO NOTHING
         RETURNING ${N_COLS}, event_id`,
        [
          chunk.map((r) => r.eventId),
          chunk.map((r) => r.userId),
          chunk.map((r) => r.kind),
          chunk.map((r) => r.title),
          chunk.map((r) => r.body),
          chunk.map((r) => JSON.stringify(r.data)),
        ],
      );
      out.push(...inserted);
    }
    return out;
  }

  async insertDigest(tx: EntityManager, userId: string, date: string, n: NewNotification): Promise<NotificationRow | null> {
    const rows: NotificationRow[] = await tx.query(
      `INSERT INTO notifications (digest_date, user_id, kind, title, body, data) VALUES ($1, $2, 'digest', $3, $4, $5::jsonb)
       ON CONFLICT (user_id, digest_date) WHERE digest_date IS NOT NULL DO NOTHING RETURNING ${N_COLS}`,
      [date, userId, n.title, n.body, JSON.stringify(n.data)],
    );
    return rows[0] ?? null;
  }

  /** Unread notifications of one local day (date in time zone tz), by kind. */
  async unreadOfDay(userId: string, date: string, tz: string): Promise<Array<{ kind: string; n: number }>> {
    return this.db.query(
      `SELECT kind, count(*)::int AS n FROM notifications
        WHERE user_id = $1 AND read_at IS NULL AND kind <> 'digest'
          AND created_at >= ($2::date::timestamp AT TIME ZONE $3) AND created_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
        GROUP BY kind ORDER BY kind`,
      [userId, date, tz],
    );
  }

  async list(userId: string, unreadOnly: boolean, beforeId: string | null, limit: number): Promise<NotificationRow[]> {
    return this.db.query(
      `SELECT ${N_COLS} FROM notifications
        WHERE user_id = $1 AND ($2::boolean IS FALSE OR read_at IS NULL) AND ($3::bigint IS NULL OR id < $3)
        ORDER BY id DESC LIMIT $4`,
      [userId, unreadOnly, beforeId, limit],
    );
  }

  async listAfter(userId: string, afterId: string, limit: number): Promise<NotificationRow[]> {
    return this.db.query(`SELECT ${N_COLS} FROM notifications WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [
      userId,
      afterId,
      limit,
    ]);
  }

  /** The user's notifications created or changed (read) after the feed cursor, oldest change first. */
  async findChanges(userId: string, after: FeedPosition, limit: number): Promise<Array<NotificationRow & { cx: string }>> {
    return this.db.query(
      `SELECT ${N_COLS}, change_xid::text AS cx FROM notifications
        WHERE user_id = $1 AND ${afterCursorSql('change_xid', 'id::text', { xid: '$2', id: '$3' })}
        ORDER BY ${feedOrderSql('change_xid', 'id::text')} LIMIT $4`,
      [userId, after.xid, after.id, limit],
    );
  }

  async unreadCount(userId: string): Promise<number> {
    const [r] = await this.db.query('SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL', [userId]);
    return r.n;
  }

  /** Marks one of the user's notifications read; false when it is not theirs (or does not exist). */
  async markRead(userId: string, id: string): Promise<NotificationRow | null> {
    const [rows] = await this.db.query(
      `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING ${N_COLS}`,
      [id, userId],
    );
    return (rows as NotificationRow[])[0] ?? null;
  }

  async markAllRead(userId: string, upToId: string | null): Promise<number> {
    const [, n] = await this.db.query(
      'UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL AND ($2::bigint IS NULL OR id <= $2)',
      [userId, upToId],
    );
    return Number(n);
  }
}
