import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { announcementAudienceAllowed } from '../../access';
import { Principal } from '../../common/auth/principal';
import { validationFailed } from '../../common/errors/app-error';
import { Page, page, PageQueryDto } from '../../common/pagination/page';
import { SchoolsErrors } from '../schools/schools.errors';
import { AnnouncementRow, AnnouncementsRepository, InboxRow, NewAnnouncement } from './announcements.repository';
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
import { toPerson } from './messaging.views';
import { AudiencesReadModel } from './read-models/audiences.read-model';
import { ContactsReadModel } from './read-models/contacts.read-model';

/** A recipient who has not read (or, when asked, not confirmed) is reminded at most once per this interval. */
export const REMIND_INTERVAL_MINUTES = 60;

/**
 * Announcements: school admins to their school, a class or a role; class teachers to their own
 * class. Recipients are resolved once, at send time, into `announcement_recipients`.
 */
@Injectable()
export class AnnouncementsService {
  constructor(
    private readonly repo: AnnouncementsRepository,
    private readonly audiences: AudiencesReadModel,
    private readonly people: ContactsReadModel,
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
    if (!announcementAudienceAllowed(p, dto.audience)) throw MessagingErrors.audienceNotAllowed();
    if (dto.audience === AnnouncementAudience.Class) {
      if (!(await this.audiences.isClassSendable(p, dto.classId))) throw SchoolsErrors.classNotFound();
    }

    const a: NewAnnouncement = {
      schoolId,
      senderId: p.userId,
      audience: dto.audience,
      classId: dto.classId ?? null,
      role: dto.role ?? null,
      title: dto.title,
      body: dto.body,
      requiresConfirmation: dto.requiresConfirmation ?? false,
    };
    const id = await this.repo.transaction(async (tx) => {
      const created = await this.repo.insert(tx, a);
      const n = await this.repo.insertRecipients(tx, created, a);
      if (n === 0) throw MessagingErrors.noRecipients();
      await this.repo.setRecipientCount(tx, created.id, n);
      await this.outbox.record(tx, [
        {
          type: 'announcement.created',
          aggregateType: 'announcement',
          aggregateId: created.id,
          schoolId,
          actorId: p.userId,
          payload: { announcementId: created.id, recipientCount: n, requiresConfirmation: a.requiresConfirmation },
          idempotencyKey: `announcement.created:${created.id}`,
        },
      ]);
      return created.id;
    });
    return (await this.sentViews([await this.repo.findById(id)]))[0];
  }

  /** What the caller sent; a school admin sees every announcement of their school. */
  async listSent(p: Principal, q: PageQueryDto): Promise<Page<SentAnnouncementView>> {
    const { rows, total } = await this.repo.listManaged(p, q.limit, q.offset);
    return page(await this.sentViews(rows), total, q);
  }

  async stats(p: Principal, id: string): Promise<AnnouncementStatsView> {
    const a = await this.managed(p, id);
    return (await this.statsFor([a]))[0];
  }

  async recipients(p: Principal, id: string, q: ListRecipientsQueryDto): Promise<Page<RecipientView>> {
    const a = await this.managed(p, id);
    const { rows, total } = await this.people.recipientsOf(a.id, q.status, q.limit, q.offset);
    return page(
      rows.map((r) => ({
        user: toPerson(r),
        readAt: r.read_at,
        confirmedAt: r.confirmed_at,
        lastRemindedAt: r.last_reminded_at,
        reminderCount: r.reminder_count,
      })),
      total,
      q,
    );
  }

  /**
   * Records a reminder for every recipient who has not read (or not confirmed, when asked) and
   * was not reminded within the last REMIND_INTERVAL_MINUTES; repeating it at once reminds nobody.
   */
  async remind(p: Principal, id: string): Promise<RemindResultView> {
    const a = await this.managed(p, id);
    return this.repo.transaction(async (tx) => {
      const { reminded, pending } = await this.repo.remindPending(tx, a.id, REMIND_INTERVAL_MINUTES);
      if (reminded.length) await this.recordReminder(tx, p, a, reminded);
      return { reminded: reminded.length, skipped: pending - reminded.length };
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
    const a = await this.repo.findManaged(p, id);
    if (!a) throw MessagingErrors.announcementNotFound();
    return a;
  }

  // ---- recipient -------------------------------------------------------------------------------

  async inbox(p: Principal, q: ListInboxQueryDto): Promise<Page<InboxAnnouncementView>> {
    const { rows, total } = await this.repo.inbox(p.userId, q.order === 'unread_first', q.limit, q.offset);
    return page(await this.inboxViews(rows), total, q);
  }

  async getReceived(p: Principal, id: string): Promise<InboxAnnouncementView> {
    return (await this.inboxViews([await this.received(p, id)]))[0];
  }

  async markRead(p: Principal, id: string): Promise<InboxAnnouncementView> {
    if (!(await this.repo.markRead(id, p.userId))) throw MessagingErrors.announcementNotFound();
    return this.getReceived(p, id);
  }

  async confirm(p: Principal, id: string): Promise<InboxAnnouncementView> {
    const row = await this.received(p, id);
    if (!row.requires_confirmation) throw MessagingErrors.confirmationNotRequested();
    await this.repo.confirm(id, p.userId);
    return this.getReceived(p, id);
  }

  private async received(p: Principal, id: string): Promise<InboxRow> {
    const row = await this.repo.findReceived(p, id);
    if (!row) throw MessagingErrors.announcementNotFound();
    return row;
  }

  // ---- views -----------------------------------------------------------------------------------

  private async senders(rows: AnnouncementRow[]): Promise<Map<string, PersonView>> {
    const ids = [...new Set(rows.map((r) => r.sender_id).filter((x): x is string => !!x))];
    const people = await this.people.peopleByIds(ids);
    return new Map(people.map((r) => [r.id, toPerson(r)]));
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
    const byId = new Map((await this.repo.countsOf(rows.map((r) => r.id))).map((c) => [c.announcement_id, c]));
    return rows.map((r) => {
      const c = byId.get(r.id);
      return { total: c?.total ?? 0, read: c?.read ?? 0, confirmed: c?.confirmed ?? 0, requiresConfirmation: r.requires_confirmation };
    });
  }
}
