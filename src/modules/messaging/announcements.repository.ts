import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { announcementManagedSql, announcementReadableSql } from '../../access';
import { Principal } from '../../common/auth/principal';
import { SqlRepository } from '../../core/database/sql-repository';
import { AnnouncementAudience } from './entities/announcement.entity';
import { audienceSql } from './read-models/audiences.read-model';

export interface AnnouncementRow {
  id: string;
  school_id: string;
  sender_id: string | null;
  audience: AnnouncementAudience;
  class_id: string | null;
  audience_role: string | null;
  title: string;
  body: string;
  requires_confirmation: boolean;
  recipient_count: number;
  created_at: Date;
}

export interface InboxRow extends AnnouncementRow {
  read_at: Date | null;
  confirmed_at: Date | null;
}

export interface NewAnnouncement {
  schoolId: string;
  senderId: string;
  audience: AnnouncementAudience;
  classId: string | null;
  role: string | null;
  title: string;
  body: string;
  requiresConfirmation: boolean;
}

const A_COLUMNS =
  'a.id, a.school_id, a.sender_id, a.audience, a.class_id, a.audience_role, a.title, a.body, a.requires_confirmation, a.recipient_count, a.created_at';

/** Pending = not read yet, or (when confirmation was asked) not confirmed yet. */
const PENDING = '(r.read_at IS NULL OR (a.requires_confirmation AND r.confirmed_at IS NULL))';

/**
 * SQL of announcements and announcement_recipients (messaging is their only writer). The audience of a new
 * announcement comes from the audiences read model; who manages and who reads one are the rules `announcementManagedSql`
 * and `announcementReadableSql` of src/access/conversation.access.ts. Style: SqlRepository with positional parameters; writes take the
 * service's transaction, the service opens it.
 */
@Injectable()
export class AnnouncementsRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  // ---- sender ----------------------------------------------------------------------------------

  async insert(tx: EntityManager, a: NewAnnouncement): Promise<{ id: string; created_at: Date }> {
    const [row] = await tx.query(
      `INSERT INTO announcements (school_id, sender_id, audience, class_id, audience_role, title, body, requires_confirmation, recipient_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0) RETURNING id, created_at`,
      [a.schoolId, a.senderId, a.audience, a.classId, a.role, a.title, a.body, a.requiresConfirmation],
    );
    return row;
  }

  /** Resolves the audience (the sender left out) into recipients, once; returns how many. */
  async insertRecipients(tx: EntityManager, created: { id: string; created_at: Date }, a: NewAnnouncement): Promise<number> {
    const [{ n }] = await tx.query(
      `WITH ins AS (
         INSERT INTO announcement_recipients (announcement_id, user_id, created_at)
         SELECT $1, t.user_id, $2 FROM (${audienceSql(a.audience)}) t WHERE t.user_id <> $3
         ON CONFLICT DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [created.id, created.created_at, a.senderId, a.schoolId, a.classId, a.role],
    );
    return n;
  }

  async setRecipientCount(tx: EntityManager, id: string, n: number): Promise<void> {
    await tx.query('UPDATE announcements SET recipient_count = $2 WHERE id = $1', [id, n]);
  }

  async findById(id: string): Promise<AnnouncementRow> {
    const [row] = await this.db.query(`SELECT ${A_COLUMNS} FROM announcements a WHERE a.id = $1`, [id]);
    return row;
  }

  /** What the caller manages (`announcementManagedSql`), newest first. */
  async listManaged(p: Principal, limit: number, offset: number): Promise<{ rows: AnnouncementRow[]; total: number }> {
    const managed = announcementManagedSql(p, 'a');
    const [{ n }] = await this.run<{ n: number }>(`SELECT count(*)::int AS n FROM announcements a WHERE ${managed.sql}`, managed.params);
    const rows = await this.run<AnnouncementRow>(
      `SELECT ${A_COLUMNS} FROM announcements a WHERE ${managed.sql} ORDER BY a.created_at DESC, a.id DESC LIMIT :aLimit OFFSET :aOffset`,
      { ...managed.params, aLimit: limit, aOffset: offset },
    );
    return { rows, total: n };
  }

  /** The announcement if the caller manages it (`announcementManagedSql`). */
  async findManaged(p: Principal, id: string): Promise<AnnouncementRow | null> {
    const managed = announcementManagedSql(p, 'a');
    const [a] = await this.run<AnnouncementRow>(`SELECT ${A_COLUMNS} FROM announcements a WHERE a.id = :aId AND ${managed.sql}`, {
      aId: id,
      ...managed.params,
    });
    return a ?? null;
  }

  /**
   * Marks a reminder on every pending recipient not reminded within `intervalMinutes`; returns who was reminded and
   * how many are pending in all.
   */
  async remindPending(tx: EntityManager, id: string, intervalMinutes: number): Promise<{ reminded: string[]; pending: number }> {
    const reminded: Array<{ user_id: string }> = await tx.query(
      // Wrapped in a CTE: TypeORM answers a bare UPDATE with [rows, count] rather than rows.
      `WITH upd AS (
         UPDATE announcement_recipients r SET last_reminded_at = now(), reminder_count = r.reminder_count + 1
           FROM announcements a
          WHERE a.id = r.announcement_id AND r.announcement_id = $1 AND ${PENDING}
            AND (r.last_reminded_at IS NULL OR r.last_reminded_at <= now() - make_interval(mins => $2))
          RETURNING r.user_id)
       SELECT user_id FROM upd`,
      [id, intervalMinutes],
    );
    const [{ n }] = await tx.query(
      `SELECT count(*)::int AS n FROM announcement_recipients r JOIN announcements a ON a.id = r.announcement_id WHERE r.announcement_id = $1 AND ${PENDING}`,
      [id],
    );
    return { reminded: reminded.map((r) => r.user_id), pending: n };
  }

  /** Recipient counts of several announcements in one query (no N+1). */
  countsOf(ids: string[]): Promise<Array<{ announcement_id: string; total: number; read: number; confirmed: number }>> {
    return this.db.query(
      `SELECT announcement_id, count(*)::int AS total, count(read_at)::int AS read, count(confirmed_at)::int AS confirmed
         FROM announcement_recipients WHERE announcement_id = ANY($1::uuid[]) GROUP BY announcement_id`,
      [ids],
    );
  }

  // ---- recipient -------------------------------------------------------------------------------

  async inbox(userId: string, unreadFirst: boolean, limit: number, offset: number): Promise<{ rows: InboxRow[]; total: number }> {
    const order = unreadFirst ? '(r.read_at IS NULL) DESC, r.created_at DESC' : 'r.created_at DESC';
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM announcement_recipients WHERE user_id = $1', [userId]);
    const rows: InboxRow[] = await this.db.query(
      `SELECT ${A_COLUMNS}, r.read_at, r.confirmed_at FROM announcement_recipients r JOIN announcements a ON a.id = r.announcement_id
        WHERE r.user_id = $1 ORDER BY ${order}, r.announcement_id DESC LIMIT $2 OFFSET $3`,
      [userId, limit, offset],
    );
    return { rows, total: n };
  }

  /** The announcement with the caller's read state, if they are a recipient (`announcementReadableSql`). */
  async findReceived(p: Principal, id: string): Promise<InboxRow | null> {
    const readable = announcementReadableSql(p, 'a.id');
    const [row] = await this.run<InboxRow>(
      `SELECT ${A_COLUMNS}, r.read_at, r.confirmed_at FROM announcement_recipients r JOIN announcements a ON a.id = r.announcement_id
        WHERE r.announcement_id = :aId AND r.user_id = :aMe AND ${readable.sql}`,
      { aId: id, aMe: p.userId, ...readable.params },
    );
    return row ?? null;
  }

  /** Whether the user is a recipient (the read time is set once, the first time). */
  async markRead(id: string, userId: string): Promise<boolean> {
    const updated: unknown[] = await this.db.query(
      `WITH u AS (UPDATE announcement_recipients SET read_at = COALESCE(read_at, now()) WHERE announcement_id = $1 AND user_id = $2 RETURNING user_id)
       SELECT user_id FROM u`,
      [id, userId],
    );
    return updated.length > 0;
  }

  async confirm(id: string, userId: string): Promise<void> {
    await this.db.query(
      `UPDATE announcement_recipients SET read_at = COALESCE(read_at, now()), confirmed_at = COALESCE(confirmed_at, now())
        WHERE announcement_id = $1 AND user_id = $2`,
      [id, userId],
    );
  }

  async countUnread(userId: string): Promise<number> {
    const [ann] = await this.db.query('SELECT count(*)::int AS n FROM announcement_recipients WHERE user_id = $1 AND read_at IS NULL', [
      userId,
    ]);
    return ann.n;
  }
}
