import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { afterCursorSql, FeedPosition, feedOrderSql } from '../../core/feeds/feed-cursor';
import { epochMicrosSql, RowStamp } from '../../core/queue/job-ids';

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

export type RecipientSource = 'student' | 'class' | 'user' | 'conversation' | 'announcement' | 'account';

/** Ids to look recipients up for, per source (see `recipients`). */
export type RecipientKeys = Record<RecipientSource, string[]>;

/** One candidate recipient of a fan-out, with what its text and channel need. */
export interface RecipientRow {
  source: RecipientSource;
  /** The id asked for: a student, class, user, conversation or announcement. */
  key: string;
  user_id: string;
  /** The student the event is about, when the recipient is their parent (texts name the child). */
  child_id: string | null;
  child_name: string | null;
  /** 'account' rows for an admin: the full name of the person the alert is about (child_id). */
  person_name: string | null;
  /** 0: the person the key names (or a class's student); 1: a parent (or, for 'account', a school admin). */
  ord: number;
  /** null: the user never saved preferences. */
  channels: Record<string, string> | null;
  daily_digest: boolean | null;
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

export interface PreferenceRow {
  user_id: string;
  channels: Record<string, string>;
  daily_digest: boolean;
}

export interface DeviceRow {
  id: string;
  user_id: string;
  kind: string;
  address: string;
  p256dh: string | null;
  auth: string | null;
  platform: string | null;
  created_at: Date;
  last_success_at: Date | null;
}

export interface NewDevice {
  userId: string;
  kind: string;
  address: string;
  p256dh: string | null;
  auth: string | null;
  platform: string | null;
}

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

const N_COLS = 'id, user_id, kind, title, body, data, created_at, read_at';
/** Rows per INSERT of a fan-out batch (six arrays of this length are one statement's parameters). */
const INSERT_CHUNK = 5000;

/**
 * SQL of the notifications module. Writes only its own tables (notifications, notification_preferences,
 * push_devices, push_deliveries); reads users, parent_children, enrolments, subjects and messaging's
 * membership tables to find recipients and names.
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

  // ---- recipients (read-only on other modules' tables) ----------------------------------------

  /**
   * Everyone a batch of events may notify, in one statement: for each asked key the active people it
   * names, with the child's first name (parents' texts) and the person's notification preferences.
   *
   * - student: the students themselves (ord 0) and their parents (ord 1, child_id = the student);
   * - class: students currently enrolled and their parents (child_id null: class-wide texts name nobody);
   * - user: the users themselves; conversation: its members; announcement: its recipients;
   * - account: the user (ord 0) and, when the user is staff of a school, that school's active admins
   *   (ord 1, child_id = the user, person_name = their full name): who hears of a lockout.
   *
   * Rows come ordered by source, key, ord, user id. Only branches with ids are sent to PostgreSQL.
   */
  async recipients(m: EntityManager, keys: RecipientKeys): Promise<RecipientRow[]> {
    const branches: string[] = [];
    const params: string[][] = [];
    const arg = (ids: string[]): string => {
      params.push(ids);
      return `$${params.length}::uuid[]`;
    };
    const active = (col: string): string => `JOIN users u ON u.id = ${col} AND u.status = 'active'`;
    // every branch names its columns: the first one present gives the union its column names
    const cols = (source: RecipientSource, key: string, user: string, child: string, ord: 0 | 1): string =>
      `SELECT '${source}'::text AS source, ${key} AS key, ${user} AS user_id, ${child}::uuid AS child_id, ${ord} AS ord`;
    if (keys.student.length) {
      const a = arg(keys.student);
      branches.push(
        `${cols('student', 'u.id', 'u.id', 'NULL', 0)} FROM users u WHERE u.id = ANY(${a}) AND u.status = 'active'`,
        `${cols('student', 'pc.child_id', 'pc.parent_id', 'pc.child_id', 1)} FROM parent_children pc ${active('pc.parent_id')} WHERE pc.child_id = ANY(${a})`,
      );
    }
    if (keys.class.length) {
      const a = arg(keys.class);
      branches.push(
        `${cols('class', 'e.class_id', 'e.student_id', 'NULL', 0)} FROM enrolments e ${active('e.student_id')} WHERE e.class_id = ANY(${a}) AND e.ended_at IS NULL`,
        `${cols('class', 'e.class_id', 'pc.parent_id', 'NULL', 1)} FROM enrolments e JOIN parent_children pc ON pc.child_id = e.student_id ${active('pc.parent_id')}
          WHERE e.class_id = ANY(${a}) AND e.ended_at IS NULL`,
      );
    }
    if (keys.user.length) {
      branches.push(`${cols('user', 'u.id', 'u.id', 'NULL', 0)} FROM users u WHERE u.id = ANY(${arg(keys.user)}) AND u.status = 'active'`);
    }
    if (keys.conversation.length) {
      branches.push(
        `${cols('conversation', 'cm.conversation_id', 'cm.user_id', 'NULL', 0)} FROM conversation_members cm ${active('cm.user_id')} WHERE cm.conversation_id = ANY(${arg(keys.conversation)})`,
      );
    }
    if (keys.announcement.length) {
      branches.push(
        `${cols('announcement', 'ar.announcement_id', 'ar.user_id', 'NULL', 0)} FROM announcement_recipients ar ${active('ar.user_id')} WHERE ar.announcement_id = ANY(${arg(keys.announcement)})`,
      );
    }
    if (keys.account.length) {
      const a = arg(keys.account);
      branches.push(
        `${cols('account', 'u.id', 'u.id', 'NULL', 0)} FROM users u WHERE u.id = ANY(${a}) AND u.status = 'active'`,
        `${cols('account', 'x.id', 'adm.id', 'x.id', 1)} FROM users x
           JOIN users adm ON adm.school_id = x.school_id AND 'school_admin' = ANY(adm.roles) AND adm.status = 'active' AND adm.id <> x.id
          WHERE x.id = ANY(${a}) AND x.roles && ARRAY['teacher', 'class_teacher', 'school_admin']::text[]`,
      );
    }
    if (branches.length === 0) return [];
    return m.query(
      `SELECT r.source, r.key, r.user_id, r.child_id, c.first_name AS child_name,
              CASE WHEN r.source = 'account' THEN concat_ws(' ', c.last_name, c.first_name, c.middle_name) END AS person_name,
              r.ord, p.channels, p.daily_digest
         FROM (${branches.join('\n UNION ALL ')}) r
         LEFT JOIN users c ON c.id = r.child_id
         LEFT JOIN notification_preferences p ON p.user_id = r.user_id
        ORDER BY r.source, r.key, r.ord, r.user_id`,
      params,
    );
  }

  /** Subject names by subject id and by lesson id (reminders carry only the lesson), in one statement. */
  async subjectNames(
    m: EntityManager,
    subjectIds: string[],
    lessonIds: string[],
  ): Promise<{ bySubject: Map<string, string>; byLesson: Map<string, string> }> {
    const branches: string[] = [];
    const params: string[][] = [];
    if (subjectIds.length) {
      params.push(subjectIds);
      branches.push(`SELECT 'subject' AS source, s.id AS key, s.name FROM subjects s WHERE s.id = ANY($${params.length}::uuid[])`);
    }
    if (lessonIds.length) {
      params.push(lessonIds);
      branches.push(
        `SELECT 'lesson' AS source, l.id AS key, s.name FROM lessons l JOIN subjects s ON s.id = l.subject_id WHERE l.id = ANY($${params.length}::uuid[])`,
      );
    }
    const bySubject = new Map<string, string>();
    const byLesson = new Map<string, string>();
    if (branches.length === 0) return { bySubject, byLesson };
    const rows: Array<{ source: string; key: string; name: string }> = await m.query(branches.join(' UNION ALL '), params);
    for (const r of rows) (r.source === 'subject' ? bySubject : byLesson).set(r.key, r.name);
    return { bySubject, byLesson };
  }

  // ---- preferences ----------------------------------------------------------------------------

  async preferences(userIds: string[]): Promise<Map<string, PreferenceRow>> {
    if (userIds.length === 0) return new Map();
    const rows: PreferenceRow[] = await this.db.query(
      'SELECT user_id, channels, daily_digest FROM notification_preferences WHERE user_id = ANY($1::uuid[])',
      [userIds],
    );
    return new Map(rows.map((r) => [r.user_id, r]));
  }

  async savePreferences(userId: string, channels: Record<string, string>, dailyDigest: boolean | null): Promise<void> {
    await this.db.query(
      `INSERT INTO notification_preferences (user_id, channels, daily_digest) VALUES ($1, $2::jsonb, COALESCE($3, false))
       ON CONFLICT (user_id) DO UPDATE SET channels = notification_preferences.channels || $2::jsonb,
         daily_digest = COALESCE($3, notification_preferences.daily_digest), updated_at = now()`,
      [userId, JSON.stringify(channels), dailyDigest],
    );
  }

  async digestUsers(): Promise<string[]> {
    const rows: Array<{ user_id: string }> = await this.db.query(
      'SELECT user_id FROM notification_preferences WHERE daily_digest ORDER BY user_id',
    );
    return rows.map((r) => r.user_id);
  }

  // ---- notifications --------------------------------------------------------------------------

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

  // ---- devices --------------------------------------------------------------------------------

  /**
   * Registers a device for its user, or refreshes the user's own row (new keys, platform). Never moves
   * a row of another user: then nothing is written and null is returned (see `takeOverDevice`).
   */
  async upsertOwnDevice(d: NewDevice): Promise<DeviceRow | null> {
    const rows: DeviceRow[] = await this.db.query(
      `INSERT INTO push_devices (user_id, kind, address, p256dh, auth, platform) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (kind, address) DO UPDATE SET p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, platform = EXCLUDED.platform
         WHERE push_devices.user_id = EXCLUDED.user_id
       RETURNING *`,
      [d.userId, d.kind, d.address, d.p256dh, d.auth, d.platform],
    );
    return rows[0] ?? null;
  }

  /**
   * A confirmed move of a device to another user: the old owner's row is removed (with its pending
   * pushes) and a new row is made for the new user, in one transaction.
   */
  async takeOverDevice(d: NewDevice): Promise<DeviceRow> {
    return this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM push_devices WHERE kind = $1 AND address = $2', [d.kind, d.address]);
      const [row] = await tx.query(
        'INSERT INTO push_devices (user_id, kind, address, p256dh, auth, platform) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
        [d.userId, d.kind, d.address, d.p256dh, d.auth, d.platform],
      );
      return row as DeviceRow;
    });
  }

  /** Who holds a push address now (null: nobody). */
  async deviceOwner(kind: string, address: string): Promise<string | null> {
    const rows: Array<{ user_id: string }> = await this.db.query('SELECT user_id FROM push_devices WHERE kind = $1 AND address = $2', [
      kind,
      address,
    ]);
    return rows[0]?.user_id ?? null;
  }

  async countDevices(userId: string): Promise<number> {
    const [r] = await this.db.query('SELECT count(*)::int AS n FROM push_devices WHERE user_id = $1', [userId]);
    return r.n;
  }

  async devices(userId: string): Promise<DeviceRow[]> {
    return this.db.query('SELECT * FROM push_devices WHERE user_id = $1 ORDER BY created_at DESC LIMIT 100', [userId]);
  }

  async deleteDevice(userId: string, id: string): Promise<boolean> {
    const [, n] = await this.db.query('DELETE FROM push_devices WHERE id = $1 AND user_id = $2', [id, userId]);
    return Number(n) > 0;
  }

  /** Removes the device at an address: the user's only, or whoever's with userId null (the push service says it is gone). */
  async deleteDeviceByAddress(userId: string | null, kind: string, address: string): Promise<boolean> {
    const [, n] = await this.db.query('DELETE FROM push_devices WHERE kind = $1 AND address = $2 AND ($3::uuid IS NULL OR user_id = $3)', [
      kind,
      address,
      userId,
    ]);
    return Number(n) > 0;
  }

  /** The push service said the subscription is gone (404/410): forget the device and its pending pushes. */
  async removeGoneDevice(id: string): Promise<void> {
    await this.db.query('DELETE FROM push_devices WHERE id = $1', [id]);
  }

  // ---- push deliveries ------------------------------------------------------------------------

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
}
