import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { groupMemberRemovableBy, groupMembersAddableBy } from '../../access';
import { Principal } from '../../common/auth/principal';
import { Page, page, PageQueryDto } from '../../common/pagination/page';
import { AnnouncementsRepository } from './announcements.repository';
import { ConversationRow, ConversationsRepository, LockedConversation } from './conversations.repository';
import {
  ConversationDetailView,
  ConversationView,
  CreateGroupConversationDto,
  ListContactsQueryDto,
  PersonView,
  UnreadView,
} from './dto/messaging.dto';
import { ConversationKind } from './entities/conversation.entity';
import { MessagesRepository } from './messages.repository';
import { MAX_GROUP_MEMBERS, MessagingErrors } from './messaging.errors';
import { attachmentsByMessage, toPerson } from './messaging.views';
import { ContactsReadModel } from './read-models/contacts.read-model';

/** Contacts, conversations (1:1 and group) and their members, unread totals. Messages: MessagesService. */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly repo: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly announcements: AnnouncementsRepository,
    private readonly contacts: ContactsReadModel,
  ) {}

  // ---- contacts --------------------------------------------------------------------------------

  async listContacts(p: Principal, q: ListContactsQueryDto): Promise<Page<PersonView>> {
    const term = q.q ? `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
    const { rows, total } = await this.contacts.listContacts(p, { role: q.role, term, limit: q.limit, offset: q.offset });
    return page(rows.map(toPerson), total, q);
  }

  /** Throws 404 CONTACT_NOT_FOUND naming the ids that are not the caller's contacts. */
  private async requireContacts(p: Principal, userIds: string[], manager?: EntityManager): Promise<void> {
    if (userIds.length === 0) return;
    const allowed = new Set(await this.contacts.contactsAmong(p, userIds, manager));
    const missing = userIds.filter((id) => !allowed.has(id));
    if (missing.length) throw MessagingErrors.contactNotFound(missing);
  }

  // ---- conversations ---------------------------------------------------------------------------

  /** The 1:1 conversation with a contact: the existing one, or a new one. */
  async openDirect(p: Principal, userId: string): Promise<ConversationDetailView> {
    if (userId === p.userId) throw MessagingErrors.contactNotFound([userId]);
    await this.requireContacts(p, [userId]);
    const directKey = [p.userId, userId].sort().join(':');
    const id = await this.repo.transaction(async (tx) => {
      const inserted = await this.repo.insertDirect(tx, p.schoolId, p.userId, directKey);
      if (inserted) {
        await this.repo.insertMembers(tx, inserted, [p.userId, userId]);
        return inserted;
      }
      return this.repo.findDirectId(tx, directKey);
    });
    return this.get(p, id);
  }

  async createGroup(p: Principal, dto: CreateGroupConversationDto): Promise<ConversationDetailView> {
    const others = dto.memberIds.filter((id) => id !== p.userId);
    if (others.length === 0) throw MessagingErrors.contactNotFound(dto.memberIds);
    await this.requireContacts(p, others);
    const id = await this.repo.transaction(async (tx) => {
      const cid = await this.repo.insertGroup(tx, dto.title, p.schoolId, p.userId);
      await this.repo.insertMembers(tx, cid, [p.userId, ...others]);
      return cid;
    });
    return this.get(p, id);
  }

  async list(p: Principal, q: PageQueryDto): Promise<Page<ConversationView>> {
    const n = await this.repo.countForMember(p.userId);
    const rows = await this.repo.listForMember(p.userId, q.limit, q.offset);
    return page(await this.conversationViews(rows), n, q);
  }

  async get(p: Principal, id: string): Promise<ConversationDetailView> {
    const row = await this.requireMember(p, id);
    const [view] = await this.conversationViews([row]);
    const members = await this.contacts.membersOf(id);
    return { ...view, members: members.map(toPerson) };
  }

  async addMembers(p: Principal, id: string, userIds: string[]): Promise<ConversationDetailView> {
    await this.repo.transaction(async (tx) => {
      const c = await this.lockGroupForOwner(tx, p, id);
      const present = new Set(await this.repo.memberIds(tx, c.id));
      const added = userIds.filter((u) => !present.has(u));
      if (present.size + added.length > MAX_GROUP_MEMBERS) throw MessagingErrors.tooManyMembers();
      await this.requireContacts(p, added, tx);
      if (added.length) await this.repo.addMembers(tx, c.id, added);
    });
    return this.get(p, id);
  }

  /** A member leaves a group, or its creator removes someone. The last one out deletes the group. */
  async removeMember(p: Principal, id: string, userId: string): Promise<void> {
    await this.repo.transaction(async (tx) => {
      const c = await this.lockForMember(tx, p, id);
      if (c.kind !== ConversationKind.Group) throw MessagingErrors.notGroup();
      if (!groupMemberRemovableBy(p, c, userId)) throw MessagingErrors.notOwner();
      if (!(await this.repo.deleteMember(tx, id, userId))) throw MessagingErrors.memberNotFound();
      await this.repo.deleteIfEmpty(tx, id);
    });
  }

  async unread(p: Principal): Promise<UnreadView> {
    const msgs = await this.repo.unreadTotals(p.userId);
    const announcements = await this.announcements.countUnread(p.userId);
    return { messages: msgs.messages, conversations: msgs.conversations, announcements };
  }

  // ---- membership checks (also used by MessagesService) ---------------------------------------

  /** The conversation as seen by a member; anyone else gets 404. */
  async requireMember(p: Principal, id: string): Promise<ConversationRow> {
    const row = await this.repo.findForMember(p, id);
    if (!row) throw MessagingErrors.conversationNotFound();
    return row;
  }

  /** Membership check that also locks the conversation row (sends and membership changes serialise per conversation). */
  async lockForMember(tx: EntityManager, p: Principal, id: string): Promise<LockedConversation> {
    const c = await this.repo.lockForMember(tx, p, id);
    if (!c) throw MessagingErrors.conversationNotFound();
    return c;
  }

  private async lockGroupForOwner(tx: EntityManager, p: Principal, id: string): Promise<{ id: string }> {
    const c = await this.lockForMember(tx, p, id);
    if (c.kind !== ConversationKind.Group) throw MessagingErrors.notGroup();
    if (!groupMembersAddableBy(p, c)) throw MessagingErrors.notOwner();
    return c;
  }

  // ---- views -----------------------------------------------------------------------------------

  private async conversationViews(rows: ConversationRow[]): Promise<ConversationView[]> {
    const peerIds = [...new Set(rows.map((r) => r.peer_id).filter((x): x is string => !!x))];
    const peers = await this.contacts.peopleByIds(peerIds);
    const byId = new Map(peers.map((r) => [r.id, toPerson(r)]));
    const files = attachmentsByMessage(await this.messages.attachmentsOf(rows.filter((r) => r.lm_id !== null).map((r) => String(r.lm_id))));
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      createdBy: r.created_by,
      memberCount: r.member_count,
      peer: r.peer_id ? (byId.get(r.peer_id) ?? null) : null,
      lastMessage:
        r.lm_id === null
          ? null
          : {
              id: String(r.lm_id),
              conversationId: r.id,
              senderId: r.lm_sender_id,
              body: r.lm_body!,
              attachments: files.get(String(r.lm_id)) ?? [],
              createdAt: r.lm_created_at!,
            },
      unreadCount: r.unread_count,
      lastReadMessageId: r.last_read_message_id === null ? null : String(r.last_read_message_id),
      createdAt: r.created_at,
    }));
  }
}
