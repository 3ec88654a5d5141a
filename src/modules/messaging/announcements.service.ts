import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { hasRole, Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { validationFailed } from '../../common/errors/app-error';
import { Page, page, PageQueryDto } from '../../common/pagination/page';
import { SchoolsErrors } from '../schools/schools.errors';
import { toPerson } from './conversations.service';
import {
  AnnouncementStatsView,
  AnnouncementView,
  CreateAnnouncementDto,
  InboxAnnouncementView,
  ListInboxQueryDto,
  ListRecipientsQueryDto,
  RecipientView,
  RemindResultView,
  SentAnnouncementView,
} from './dto/announcements.dto';
import { PersonView } from './dto/messaging.dto';
import { AnnouncementAudience } from './entities/announcement.entity';
import { MessagingErrors } from './messaging.errors';
import { MessagingOutbox } from './messaging-outbox';

/** A recipient who has not read (or, when asked, not confirmed) is reminded at most once per this interval. */
export const REMIND_INTERVAL_MINUTES = 60;

interface AnnouncementRow {
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

interface InboxRow extends AnnouncementRow {
  read_at: Date | null;
  confirmed_at: Date | null;
}

const A_COLUMNS =
  'a.id, a.school_id, a.sender_id, a.audience, a.class_id, a.audience_role, a.title, a.body, a.requires_confirmation, a.recipient_count, a.created_at';

/** Pending = not read yet, or (when confirmation was asked) not confirmed yet. */
const PENDING = '(r.read_at IS NULL OR (a.requires_confirmation AND r.confirmed_at IS NULL))';

const RECIPIENT_FILTER_SQL: Record<ListRecipientsQueryDto['status'], string> = {
  all: 'TRUE',
  read: 'r.read_at IS NOT NULL',
  unread: 'r.read_at IS NULL',
  confirmed: 'r.confirmed_at IS NOT NULL',
  unconfirmed: 'a.requires_confirmation AND r.confirmed_at IS NULL',
};

/**
 * Announcements: school admins to their school, a class or a role; class teachers to their own
 * class. Recipients are resolved once, at send time, into `announcement_recipients`.
 */
@Injectable()
export class AnnouncementsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: MessagingOutbox,
  ) {}

  // ---- sender ----------------------------------------------------------------------------------

  async create(p: Principal, dto: CreateAnnouncementDto): Promise<SentAnnouncementView> {
    if (!p.schoolId) throw MessagingErrors.noSchool();
    const schoolId = p.schoolId;
    if (dto.audience !== AnnouncementAudience.Class && dto.classId !== undefined) {
      throw validationFailed([{ field: 'classId', code: 'notAllowed', message: 'Класс указывается только для audience=class' }]);
    }
    if (dto.audience !== AnnouncementAudience.Role && dto.role !== undefined) {
      throw validationFailed([{ field: 'role', code: 'notAllowed', message: 'Роль указывается только для audience=role' }]);
    }
    const isAdmin = hasRole(p, Role.SchoolAdmin);
    if (!isAdmin && dto.audience !== AnnouncementAudience.Class) throw MessagingErrors.audienceNotAllowed();
    if (dto.audience === AnnouncementAudience.Class) {
      const [cls] = isAdmin
        ? await this.db.query('SELECT id FROM classes WHERE id = $1 AND school_id = $2', [dto.classId, schoolId])
        : await this.db.query(
            'SELECT c.id FROM classes c JOIN class_teachers ct ON ct.class_id = c.id WHERE c.id = $1 AND c.school_id = $2 AND ct.teacher_id = $3',
            [dto.classId, schoolId, p.userId],
          );
      if (!cls) throw SchoolsErrors.classNotFound();
    }

    const id = await this.db.transaction(async (tx) => {
      const [a] = await tx.query(
        `INSERT INTO announcements (school_id, sender_id, audience, class_id, audience_role, title, body, requires_confirmation, recipient_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0) RETURNING id, created_at`,
        [schoolId, p.userId, dto.audience, dto.classId ?? null, dto.role ?? null, dto.title, dto.body, dto.requiresConfirmation ?? false],
      );
      const audience = this.audienceSql(dto.audience);
      const [{ n }] = await tx.query(
        `WITH ins AS (
           INSERT INTO announcement_recipients (announcement_id, user_id, created_at)
           SELECT $1, t.user_id, $2 FROM (${audience}) t WHERE t.user_id <> $3
           ON CONFLICT DO NOTHING RETURNING 1)
         SELECT count(*)::int AS n FROM ins`,
        [a.id, a.created_at, p.userId, schoolId, dto.classId ?? null, dto.role ?? null],
      );
      if (n === 0) throw MessagingErrors.noRecipients();
      await tx.query('UPDATE announcements SET recipient_count = $2 WHERE id = $1', [a.id, n]);
      await this.outbox.record(tx, [
        {
          type: 'announcement.created',
          aggregateType: 'announcement',
          aggregateId: a.id,
          schoolId,
          actorId: p.userId,
          payload: { announcementId: a.id, recipientCount: n, requiresConfirmation: dto.requiresConfirmation ?? false },
          idempotencyKey: `announcement.created:${a.id}`,
        },
      ]);
      return a.id as string;
    });
    const [row] = await this.db.query(`SELECT ${A_COLUMNS} FROM announcements a WHERE a.id = $1`, [id]);
    return (await this.sentViews([row]))[0];
  }

  /**
   * Active users of the audience, as one SELECT of `user_id`. Parameters: $4 school, $5 class, $6 role.
   * A class means its current students and their parents.
   */
  private audienceSql(audience: AnnouncementAudience): string {
    switch (audience) {
      case AnnouncementAudience.School:
        return `SELECT u.id AS user_id FROM users u WHERE u.school_id = $4 AND u.status = 'active' AND $5::uuid IS NULL AND $6::text IS NULL`;
      case AnnouncementAudience.Role:
        return `SELECT u.id AS user_id FROM users u WHERE u.school_id = $4 AND u.status = 'active' AND $6::text = ANY(u.roles) AND $5::uuid IS NULL`;
      case AnnouncementAudience.Class:
        return `SELECT e.student_id AS user_id FROM enrolments e JOIN users u ON u.id = e.student_id
                 WHERE e.class_id = $5::uuid AND e.ended_at IS NULL AND u.status = 'active' AND $4::uuid IS NOT NULL AND $6::text IS NULL
                UNION
                SELECT pc.parent_id FROM parent_children pc
                  JOIN enrolments e ON e.student_id = pc.child_id AND e.ended_at IS NULL
                  JOIN users u ON u.id = pc.parent_id
                 WHERE e.class_id = $5::uuid AND u.status = 'active'`;
    }
  }

  /** What the caller sent; a school admin sees every announcement of their school. */
  async listSent(p: Principal, q: PageQueryDto): Promise<Page<SentAnnouncementView>> {
    const where = 'WHERE (a.sender_id = $1 OR ($2::boolean AND a.school_id = $3))';
    const params = [p.userId, hasRole(p, Role.SchoolAdmin), p.schoolId];
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM announcements a ${where}`, params);
    const rows: AnnouncementRow[] = await this.db.query(
      `SELECT ${A_COLUMNS} FROM announcements a ${where} ORDER BY a.created_at DESC, a.id DESC LIMIT $4 OFFSET $5`,
      [...params, q.limit, q.offset],
    );
    return page(await this.sentViews(rows), n, q);
  }

  async stats(p: Principal, id: string): Promise<AnnouncementStatsView> {
    const a = await this.managed(p, id);
    return (await this.statsFor([a]))[0];
  }

  async recipients(p: Principal, id: string, q: ListRecipientsQueryDto): Promise<Page<RecipientView>> {
    const a = await this.managed(p, id);
    const filter = RECIPIENT_FILTER_SQL[q.status];
    const from = `FROM announcement_recipients r JOIN announcements a ON a.id = r.announcement_id WHERE r.announcement_id = $1 AND ${filter}`;
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n ${from}`, [a.id]);
    const rows = await this.db.query(
      `SELECT u.id, u.last_name, u.first_name, u.middle_name, u.roles, r.read_at, r.confirmed_at, r.last_reminded_at, r.reminder_count
         ${from.replace('WHERE', 'JOIN users u ON u.id = r.user_id WHERE')}
        ORDER BY u.last_name, u.first_name, u.id LIMIT $2 OFFSET $3`,
      [a.id, q.limit, q.offset],
    );
    return page(
      rows.map((r: Record<string, unknown>) => ({
        user: toPerson(r as never),
        readAt: r.read_at as Date | null,
        confirmedAt: r.confirmed_at as Date | null,
        lastRemindedAt: r.last_reminded_at as Date | null,
        reminderCount: r.reminder_count as number,
      })),
      n,
      q,
    );
  }

  /**
   * Records a reminder for every recipient who has not read (or not confirmed, when asked) and
   * was not reminded within the last REMIND_INTERVAL_MINUTES; repeating it at once reminds nobody.
   */
  async remind(p: Principal, id: string): Promise<RemindResultView> {
    const a = await this.managed(p, id);
    return this.db.transaction(async (tx) => {
      const reminded: Array<{ user_id: string }> = await tx.query(
        // Wrapped in a CTE: TypeORM answers a bare UPDATE with [rows, count] rather than rows.
        `WITH upd AS (
           UPDATE announcement_recipients r SET last_reminded_at = now(), reminder_count = r.reminder_count + 1
             FROM announcements a
            WHERE a.id = r.announcement_id AND r.announcement_id = $1 AND ${PENDING}
              AND (r.last_reminded_at IS NULL OR r.last_reminded_at <= now() - make_interval(mins => $2))
            RETURNING r.user_id)
         SELECT user_id FROM upd`,
        [a.id, REMIND_INTERVAL_MINUTES],
      );
      const [{ n }] = await tx.query(
        `SELECT count(*)::int AS n FROM announcement_recipients r JOIN announcements a ON a.id = r.announcement_id WHERE r.announcement_id = $1 AND ${PENDING}`,
        [a.id],
      );
      if (reminded.length)
        await this.recordReminder(
          tx,
          p,
          a,
          reminded.map((r) => r.user_id),
        );
      return { reminded: reminded.length, skipped: n - reminded.length };
    });
  }

  private async recordReminder(tx: EntityManager, p: Principal, a: AnnouncementRow, userIds: string[]): Promise<void> {
    const reminderId = randomUUID();
    await this.outbox.record(tx, [
      {
        type: 'announcement.reminder',
        aggregateType: 'announcement',
        aggregateId: a.id,
        schoolId: a.school_id,
        actorId: p.userId,
        payload: { announcementId: a.id, reminderId, userIds },
        idempotencyKey: `announcement.reminder:${a.id}:${reminderId}`,
      },
    ]);
  }

  /** The announcement if the caller sent it or administers its school; otherwise 404. */
  private async managed(p: Principal, id: string): Promise<AnnouncementRow> {
    const [a] = await this.db.query(
      `SELECT ${A_COLUMNS} FROM announcements a WHERE a.id = $1 AND (a.sender_id = $2 OR ($3::boolean AND a.school_id = $4))`,
      [id, p.userId, hasRole(p, Role.SchoolAdmin), p.schoolId],
    );
    if (!a) throw MessagingErrors.announcementNotFound();
    return a;
  }

  // ---- recipient -------------------------------------------------------------------------------

  async inbox(p: Principal, q: ListInboxQueryDto): Promise<Page<InboxAnnouncementView>> {
    const order = q.order === 'unread_first' ? '(r.read_at IS NULL) DESC, r.created_at DESC' : 'r.created_at DESC';
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM announcement_recipients WHERE user_id = $1', [p.userId]);
    const rows: InboxRow[] = await this.db.query(
      `SELECT ${A_COLUMNS}, r.read_at, r.confirmed_at FROM announcement_recipients r JOIN announcements a ON a.id = r.announcement_id
        WHERE r.user_id = $1 ORDER BY ${order}, r.announcement_id DESC LIMIT $2 OFFSET $3`,
      [p.userId, q.limit, q.offset],
    );
    return page(await this.inboxViews(rows), n, q);
  }

  async getReceived(p: Principal, id: string): Promise<InboxAnnouncementView> {
    return (await this.inboxViews([await this.received(p, id)]))[0];
  }

  async markRead(p: Principal, id: string): Promise<InboxAnnouncementView> {
    const updated: unknown[] = await this.db.query(
      `WITH u AS (UPDATE announcement_recipients SET read_at = COALESCE(read_at, now()) WHERE announcement_id = $1 AND user_id = $2 RETURNING user_id)
       SELECT user_id FROM u`,
      [id, p.userId],
    );
    if (updated.length === 0) throw MessagingErrors.announcementNotFound();
    return this.getReceived(p, id);
  }

  async confirm(p: Principal, id: string): Promise<InboxAnnouncementView> {
    const row = await this.received(p, id);
    if (!row.requires_confirmation) throw MessagingErrors.confirmationNotRequested();
    await this.db.query(
      `UPDATE announcement_recipients SET read_at = COALESCE(read_at, now()), confirmed_at = COALESCE(confirmed_at, now())
        WHERE announcement_id = $1 AND user_id = $2`,
      [id, p.userId],
    );
    return this.getReceived(p, id);
  }

  private async received(p: Principal, id: string): Promise<InboxRow> {
    const [row] = await this.db.query(
      `SELECT ${A_COLUMNS}, r.read_at, r.confirmed_at FROM announcement_recipients r JOIN announcements a ON a.id = r.announcement_id
        WHERE r.announcement_id = $1 AND r.user_id = $2`,
      [id, p.userId],
    );
    if (!row) throw MessagingErrors.announcementNotFound();
    return row;
  }

  // ---- views -----------------------------------------------------------------------------------

  private async senders(rows: AnnouncementRow[]): Promise<Map<string, PersonView>> {
    const ids = [...new Set(rows.map((r) => r.sender_id).filter((x): x is string => !!x))];
    if (!ids.length) return new Map();
    const people = await this.db.query(
      'SELECT u.id, u.last_name, u.first_name, u.middle_name, u.roles FROM users u WHERE u.id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(people.map((r: never) => [(r as { id: string }).id, toPerson(r)]));
  }

  private view(r: AnnouncementRow, senders: Map<string, PersonView>): AnnouncementView {
    return {
      id: r.id,
      audience: r.audience,
      classId: r.class_id,
      role: r.audience_role,
      title: r.title,
      body: r.body,
      requiresConfirmation: r.requires_confirmation,
      sender: r.sender_id ? (senders.get(r.sender_id) ?? null) : null,
      createdAt: r.created_at,
    };
  }

  private async inboxViews(rows: InboxRow[]): Promise<InboxAnnouncementView[]> {
    const senders = await this.senders(rows);
    return rows.map((r) => ({ ...this.view(r, senders), readAt: r.read_at, confirmedAt: r.confirmed_at }));
  }

  private async sentViews(rows: AnnouncementRow[]): Promise<SentAnnouncementView[]> {
    const [senders, stats] = await Promise.all([this.senders(rows), this.statsFor(rows)]);
    return rows.map((r, i) => ({ ...this.view(r, senders), stats: stats[i] }));
  }

  /** Counts for several announcements in one query (no N+1). */
  private async statsFor(rows: AnnouncementRow[]): Promise<AnnouncementStatsView[]> {
    if (!rows.length) return [];
    const counts: Array<{ announcement_id: string; total: number; read: number; confirmed: number }> = await this.db.query(
      `SELECT announcement_id, count(*)::int AS total, count(read_at)::int AS read, count(confirmed_at)::int AS confirmed
         FROM announcement_recipients WHERE announcement_id = ANY($1::uuid[]) GROUP BY announcement_id`,
      [rows.map((r) => r.id)],
    );
    const byId = new Map(counts.map((c) => [c.announcement_id, c]));
    return rows.map((r) => {
      const c = byId.get(r.id);
      return { total: c?.total ?? 0, read: c?.read ?? 0, confirmed: c?.confirmed ?? 0, requiresConfirmation: r.requires_confirmation };
    });
  }
}
