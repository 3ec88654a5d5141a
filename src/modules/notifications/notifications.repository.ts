import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

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

export interface Recipient {
  userId: string;
  /** The student the event is about, when the recipient is their parent (texts name the child). */
  childId: string | null;
}

export interface NewNotification {
  userId: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
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

export interface DeliveryJobRow {
  id: string;
  status: string;
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

  // ---- recipients (read-only on other modules' tables) ----------------------------------------

  /** The students themselves (self = true) and their parents, active accounts only. */
  async studentsAndParents(studentIds: string[], withStudents: boolean): Promise<Recipient[]> {
    if (studentIds.length === 0) return [];
    const rows: Array<{ user_id: string; child_id: string | null }> = await this.db.query(
      `SELECT u.id AS user_id, NULL::uuid AS child_id FROM users u WHERE $2 AND u.id = ANY($1::uuid[]) AND u.status = 'active'
       UNION ALL
       SELECT pc.parent_id, pc.child_id FROM parent_children pc JOIN users u ON u.id = pc.parent_id AND u.status = 'active'
        WHERE pc.child_id = ANY($1::uuid[])`,
      [studentIds, withStudents],
    );
    return rows.map((r) => ({ userId: r.user_id, childId: r.child_id }));
  }

  /** Students currently enrolled in a class. */
  async classStudents(classId: string): Promise<string[]> {
    const rows: Array<{ student_id: string }> = await this.db.query(
      'SELECT student_id FROM enrolments WHERE class_id = $1 AND ended_at IS NULL',
      [classId],
    );
    return rows.map((r) => r.student_id);
  }

  async activeUsers(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ id: string }> = await this.db.query(`SELECT id FROM users WHERE id = ANY($1::uuid[]) AND status = 'active'`, [ids]);
    return rows.map((r) => r.id);
  }

  async firstNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; first_name: string }> = await this.db.query('SELECT id, first_name FROM users WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((r) => [r.id, r.first_name]));
  }

  async subjectName(id: string): Promise<string | null> {
    const rows: Array<{ name: string }> = await this.db.query('SELECT name FROM subjects WHERE id = $1', [id]);
    return rows[0]?.name ?? null;
  }

  /** Subject of a lesson (reminders carry only the lesson id). */
  async lessonSubject(lessonId: string): Promise<string | null> {
    const rows: Array<{ name: string }> = await this.db.query(
      'SELECT s.name FROM lessons l JOIN subjects s ON s.id = l.subject_id WHERE l.id = $1',
      [lessonId],
    );
    return rows[0]?.name ?? null;
  }

  async conversationMembers(conversationId: string): Promise<string[]> {
    const rows: Array<{ user_id: string }> = await this.db.query('SELECT user_id FROM conversation_members WHERE conversation_id = $1', [conversationId]);
    return rows.map((r) => r.user_id);
  }

  async announcementRecipients(announcementId: string): Promise<string[]> {
    const rows: Array<{ user_id: string }> = await this.db.query('SELECT user_id FROM announcement_recipients WHERE announcement_id = $1', [announcementId]);
    return rows.map((r) => r.user_id);
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
    const rows: Array<{ user_id: string }> = await this.db.query('SELECT user_id FROM notification_preferences WHERE daily_digest ORDER BY user_id');
    return rows.map((r) => r.user_id);
  }

  // ---- notifications --------------------------------------------------------------------------

  /** Inserts the event's notifications; rows that exist (a second run) are skipped. Returns the new ones. */
  async insertForEvent(tx: EntityManager, eventId: string, rows: NewNotification[]): Promise<NotificationRow[]> {
    if (rows.length === 0) return [];
    return tx.query(
      `INSERT INTO notifications (event_id, user_id, kind, title, body, data)
       SELECT $1::bigint, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
       ON CONFLICT (event_id, user_id) WHERE event_id IS NOT NULL DO NOTHING
       RETURNING ${N_COLS}`,
      [eventId, rows.map((r) => r.userId), rows.map((r) => r.kind), rows.map((r) => r.title), rows.map((r) => r.body), rows.map((r) => JSON.stringify(r.data))],
    );
  }

  async insertDigest(tx: EntityManager, userId: string, date: string, n: NewNotification): Promise<NotificationRow | null> {
    const rows: NotificationRow[] = await tx.query(
      `INSERT INTO notifications (digest_date, user_id, kind, title, body, data) VALUES ($1, $2, 'digest', $3, $4, $5::jsonb)
       ON CONFLICT (user_id, digest_date) WHERE digest_date IS NOT NULL DO NOTHING RETURNING ${N_COLS}`,
      [date, userId, n.title, n.body, JSON.stringify(n.data)],
    );
    return rows[0] ?? null;
  }

  /** Notification ids of an event for the given users (the rows made by this or an earlier run). */
  async idsForEvent(tx: EntityManager, eventId: string, userIds: string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await tx.query(
      'SELECT id FROM notifications WHERE event_id = $1 AND user_id = ANY($2::uuid[])',
      [eventId, userIds],
    );
    return rows.map((r) => r.id);
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
    return this.db.query(`SELECT ${N_COLS} FROM notifications WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [userId, afterId, limit]);
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

  async upsertDevice(d: { userId: string; kind: string; address: string; p256dh: string | null; auth: string | null; platform: string | null }): Promise<DeviceRow> {
    const [row] = await this.db.query(
      `INSERT INTO push_devices (user_id, kind, address, p256dh, auth, platform) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (kind, address) DO UPDATE SET user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, platform = EXCLUDED.platform
       RETURNING *`,
      [d.userId, d.kind, d.address, d.p256dh, d.auth, d.platform],
    );
    return row;
  }

  async countDevices(userId: string): Promise<number> {
    const [r] = await this.db.query('SELECT count(*)::int AS n FROM push_devices WHERE user_id = $1', [userId]);
    return r.n;
  }

  async hasDevice(kind: string, address: string, userId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM push_devices WHERE kind = $1 AND address = $2 AND user_id = $3', [kind, address, userId]);
    return rows.length > 0;
  }

  async devices(userId: string): Promise<DeviceRow[]> {
    return this.db.query('SELECT * FROM push_devices WHERE user_id = $1 ORDER BY created_at DESC LIMIT 100', [userId]);
  }

  async deleteDevice(userId: string, id: string): Promise<boolean> {
    const [, n] = await this.db.query('DELETE FROM push_devices WHERE id = $1 AND user_id = $2', [id, userId]);
    return Number(n) > 0;
  }

  async deleteDeviceByAddress(userId: string, kind: string, address: string): Promise<boolean> {
    const [, n] = await this.db.query('DELETE FROM push_devices WHERE kind = $1 AND address = $2 AND user_id = $3', [kind, address, userId]);
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

  async pendingDeliveries(notificationIds: string[]): Promise<string[]> {
    if (notificationIds.length === 0) return [];
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM push_deliveries WHERE notification_id = ANY($1::bigint[]) AND status = 'pending' ORDER BY id`,
      [notificationIds],
    );
    return rows.map((r) => r.id);
  }

  async deliveryForJob(id: string): Promise<DeliveryJobRow | null> {
    const rows: DeliveryJobRow[] = await this.db.query(
      `SELECT pd.id, pd.status, pd.attempts, pd.notification_id, pd.device_id, d.kind AS device_kind, d.address, d.p256dh, d.auth,
              n.kind, n.title, n.body, n.data, n.created_at
         FROM push_deliveries pd JOIN push_devices d ON d.id = pd.device_id JOIN notifications n ON n.id = pd.notification_id
        WHERE pd.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Records a successful push (only a pending row changes: a duplicate run cannot count twice). */
  async markSent(id: string, deviceId: string): Promise<boolean> {
    const [, n] = await this.db.query(
      `UPDATE push_deliveries SET status = 'sent', attempts = attempts + 1, sent_at = now(), last_error = NULL WHERE id = $1 AND status = 'pending'`,
      [id],
    );
    await this.db.query('UPDATE push_devices SET last_success_at = now() WHERE id = $1', [deviceId]);
    return Number(n) > 0;
  }

  async markAttempt(id: string, error: string, final: 'failed' | 'skipped' | null): Promise<void> {
    await this.db.query(
      `UPDATE push_deliveries SET attempts = attempts + 1, last_error = $2, status = COALESCE($3, status) WHERE id = $1 AND status = 'pending'`,
      [id, error.slice(0, 500), final],
    );
  }
}
