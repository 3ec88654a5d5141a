import { Inject, Injectable, StreamableFile } from '@nestjs/common';
import { pageCursor } from '../../common/pagination/cursor';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { validationFailed } from '../../common/errors/app-error';
import { Page, page, PageQueryDto } from '../../common/pagination/page';
import { afterCursorSql, FeedPage, FeedPosition, feedOrderSql, readFeedPage } from '../../core/feeds/feed-cursor';
import { TombstoneReader } from '../../core/feeds/tombstone-reader';
import { FILE_STORAGE, FileStorage } from '../../core/storage/storage.types';
import { ReceivedFile, UploadReceiver } from '../../core/storage/upload-receiver';
import {
  ATTACHMENT_SPEC,
  AttachmentView,
  ConversationDetailView,
  ConversationView,
  CreateGroupConversationDto,
  ListContactsQueryDto,
  MarkReadDto,
  MessageHistoryQueryDto,
  MessageHistoryView,
  MessageView,
  PersonView,
  ReadStateView,
  SendMessageDto,
  SendMessageFieldsDto,
  UnreadView,
} from './dto/messaging.dto';
import { MessageFeedItem, MessageFeedQueryDto } from './dto/message-feed.dto';
import { ConversationKind } from './entities/conversation.entity';
import { MAX_GROUP_MEMBERS, MessagingErrors } from './messaging.errors';
import { MessagingOutbox } from './messaging-outbox';
import { contactSql } from '../../access';

interface PersonRow {
  id: string;
  last_name: string;
  first_name: string;
  middle_name: string | null;
  roles: PersonView['roles'];
}

interface MessageRow {
  id: string;
  conversation_id: string;
  sender_id: string | null;
  body: string;
  created_at: Date;
}

interface ConversationRow {
  id: string;
  kind: ConversationKind;
  title: string | null;
  school_id: string;
  created_by: string | null;
  created_at: Date;
  last_read_message_id: string | null;
  member_count: number;
  unread_count: number;
  peer_id: string | null;
  lm_id: string | null;
  lm_sender_id: string | null;
  lm_body: string | null;
  lm_created_at: Date | null;
}

export const toPerson = (r: PersonRow): PersonView => ({
  id: r.id,
  lastName: r.last_name,
  firstName: r.first_name,
  middleName: r.middle_name,
  roles: r.roles,
});

interface AttachmentRow {
  id: string;
  message_id: string;
  original_name: string;
  content_type: string;
  size_bytes: number;
}

const toMessage = (r: MessageRow, attachments: AttachmentView[] = []): MessageView => ({
  id: String(r.id),
  conversationId: r.conversation_id,
  senderId: r.sender_id,
  body: r.body,
  attachments,
  createdAt: r.created_at,
});

const toAttachment = (r: AttachmentRow): AttachmentView => ({
  id: r.id,
  name: r.original_name,
  contentType: r.content_type,
  size: r.size_bytes,
});

/** Unread messages of member row `m`: newer than what they read, written by someone else. */
const UNREAD_OF_MEMBER = `(SELECT count(*)::int FROM messages x
   WHERE x.conversation_id = m.conversation_id AND x.id > COALESCE(m.last_read_message_id, 0) AND x.sender_id IS DISTINCT FROM m.user_id)`;

const CONVERSATION_SELECT = `
  SELECT c.id, c.kind, c.title, c.school_id, c.created_by, c.created_at, m.last_read_message_id,
         (SELECT count(*)::int FROM conversation_members cm WHERE cm.conversation_id = c.id) AS member_count,
         ${UNREAD_OF_MEMBER} AS unread_count,
         CASE WHEN c.kind = 'direct' THEN
           (SELECT cm.user_id FROM conversation_members cm WHERE cm.conversation_id = c.id AND cm.user_id <> m.user_id LIMIT 1)
         END AS peer_id,
         lm.id AS lm_id, lm.sender_id AS lm_sender_id, lm.body AS lm_body, lm.created_at AS lm_created_at
    FROM conversation_members m
    JOIN conversations c ON c.id = m.conversation_id
    LEFT JOIN messages lm ON lm.id = c.last_message_id`;

const PERSON_COLUMNS = 'u.id, u.last_name, u.first_name, u.middle_name, u.roles';

/** Contacts, conversations (1:1 and group), messages, read state. */
@Injectable()
export class ConversationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: MessagingOutbox,
    private readonly uploads: UploadReceiver,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    private readonly tombstones: TombstoneReader,
  ) {}

  // ---- contacts --------------------------------------------------------------------------------

  async listContacts(p: Principal, q: ListContactsQueryDto): Promise<Page<PersonView>> {
    const contact = contactSql(p, 'u');
    const qb = this.db
      .createQueryBuilder()
      .select(['u.id AS id', 'u.last_name AS last_name', 'u.first_name AS first_name', 'u.middle_name AS middle_name', 'u.roles AS roles'])
      .from('users', 'u')
      .where(contact.sql, contact.params);
    if (q.role) qb.andWhere(':role = ANY(u.roles)', { role: q.role });
    if (q.q) {
      const term = `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        `(lower(u.last_name) LIKE :term OR lower(u.first_name) LIKE :term OR lower(COALESCE(u.middle_name, '')) LIKE :term
                    OR lower(u.last_name || ' ' || u.first_name) LIKE :term)`,
        { term },
      );
    }
    const total = await qb.clone().select('count(*)::int', 'n').getRawOne<{ n: number }>();
    const rows = await qb
      .orderBy('u.last_name', 'ASC')
      .addOrderBy('u.first_name', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .limit(q.limit)
      .offset(q.offset)
      .getRawMany<PersonRow>();
    return page(rows.map(toPerson), total?.n ?? 0, q);
  }

  /** Throws 404 CONTACT_NOT_FOUND naming the ids that are not the caller's contacts. */
  private async requireContacts(p: Principal, userIds: string[], manager: EntityManager = this.db.manager): Promise<void> {
    if (userIds.length === 0) return;
    const contact = contactSql(p, 'u');
    const rows = await manager
      .createQueryBuilder()
      .select('u.id', 'id')
      .from('users', 'u')
      .where('u.id IN (:...ids)', { ids: userIds })
      .andWhere(contact.sql, contact.params)
      .getRawMany<{ id: string }>();
    const allowed = new Set(rows.map((r) => r.id));
    const missing = userIds.filter((id) => !allowed.has(id));
    if (missing.length) throw MessagingErrors.contactNotFound(missing);
  }

  // ---- conversations ---------------------------------------------------------------------------

  /** The 1:1 conversation with a contact: the existing one, or a new one. */
  async openDirect(p: Principal, userId: string): Promise<ConversationDetailView> {
    if (userId === p.userId) throw MessagingErrors.contactNotFound([userId]);
    await this.requireContacts(p, [userId]);
    const directKey = [p.userId, userId].sort().join(':');
    const id = await this.db.transaction(async (tx) => {
      const inserted: Array<{ id: string }> = await tx.query(
        `INSERT INTO conversations (kind, school_id, created_by, direct_key) VALUES ('direct', $1, $2, $3)
         ON CONFLICT (direct_key) WHERE direct_key IS NOT NULL DO NOTHING RETURNING id`,
        [p.schoolId, p.userId, directKey],
      );
      if (inserted.length) {
        await tx.query('INSERT INTO conversation_members (conversation_id, user_id) SELECT $1, unnest($2::uuid[])', [
          inserted[0].id,
          [p.userId, userId],
        ]);
        return inserted[0].id;
      }
      const [existing] = await tx.query('SELECT id FROM conversations WHERE direct_key = $1', [directKey]);
      return existing.id as string;
    });
    return this.get(p, id);
  }

  async createGroup(p: Principal, dto: CreateGroupConversationDto): Promise<ConversationDetailView> {
    const others = dto.memberIds.filter((id) => id !== p.userId);
    if (others.length === 0) throw MessagingErrors.contactNotFound(dto.memberIds);
    await this.requireContacts(p, others);
    const id = await this.db.transaction(async (tx) => {
      const [c] = await tx.query(
        `INSERT INTO conversations (kind, title, school_id, created_by) VALUES ('group', $1, $2, $3) RETURNING id`,
        [dto.title, p.schoolId, p.userId],
      );
      await tx.query('INSERT INTO conversation_members (conversation_id, user_id) SELECT $1, unnest($2::uuid[])', [
        c.id,
        [p.userId, ...others],
      ]);
      return c.id as string;
    });
    return this.get(p, id);
  }

  async list(p: Principal, q: PageQueryDto): Promise<Page<ConversationView>> {
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM conversation_members WHERE user_id = $1', [p.userId]);
    const rows: ConversationRow[] = await this.db.query(
      `${CONVERSATION_SELECT}
        WHERE m.user_id = $1
        ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC
        LIMIT $2 OFFSET $3`,
      [p.userId, q.limit, q.offset],
    );
    return page(await this.conversationViews(rows), n, q);
  }

  async get(p: Principal, id: string): Promise<ConversationDetailView> {
    const row = await this.memberConversation(p, id);
    const [view] = await this.conversationViews([row]);
    const members: PersonRow[] = await this.db.query(
      `SELECT ${PERSON_COLUMNS} FROM conversation_members cm JOIN users u ON u.id = cm.user_id
        WHERE cm.conversation_id = $1 ORDER BY u.last_name, u.first_name, u.id`,
      [id],
    );
    return { ...view, members: members.map(toPerson) };
  }

  async addMembers(p: Principal, id: string, userIds: string[]): Promise<ConversationDetailView> {
    await this.db.transaction(async (tx) => {
      const c = await this.lockGroupForOwner(tx, p, id);
      const existing: Array<{ user_id: string }> = await tx.query('SELECT user_id FROM conversation_members WHERE conversation_id = $1', [
        c.id,
      ]);
      const present = new Set(existing.map((r) => r.user_id));
      const added = userIds.filter((u) => !present.has(u));
      if (present.size + added.length > MAX_GROUP_MEMBERS) throw MessagingErrors.tooManyMembers();
      await this.requireContacts(p, added, tx);
      if (added.length) {
        await tx.query('INSERT INTO conversation_members (conversation_id, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING', [
          c.id,
          added,
        ]);
      }
    });
    return this.get(p, id);
  }

  /** A member leaves a group, or its creator removes someone. The last one out deletes the group. */
  async removeMember(p: Principal, id: string, userId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const c = await this.lockMemberConversation(tx, p, id);
      if (c.kind !== ConversationKind.Group) throw MessagingErrors.notGroup();
      if (userId !== p.userId && c.created_by !== p.userId) throw MessagingErrors.notOwner();
      // Wrapped in a CTE: TypeORM answers a bare DELETE with [rows, count] rather than rows.
      const deleted: unknown[] = await tx.query(
        'WITH d AS (DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2 RETURNING user_id) SELECT user_id FROM d',
        [id, userId],
      );
      if (deleted.length === 0) throw MessagingErrors.memberNotFound();
      await tx.query(
        'DELETE FROM conversations c WHERE c.id = $1 AND NOT EXISTS (SELECT 1 FROM conversation_members cm WHERE cm.conversation_id = c.id)',
        [id],
      );
    });
  }

  // ---- messages --------------------------------------------------------------------------------

  /** Newest first; `before` is the id of the oldest message the client already has. */
  async history(p: Principal, id: string, q: MessageHistoryQueryDto): Promise<MessageHistoryView> {
    await this.memberConversation(p, id);
    const rows: MessageRow[] = await this.db.query(
      `SELECT id, conversation_id, sender_id, body, created_at FROM messages
        WHERE conversation_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint)
        ORDER BY id DESC LIMIT $3`,
      [id, pageCursor(q) ?? null, q.limit + 1],
    );
    const more = rows.length > q.limit;
    const pageRows = rows.slice(0, q.limit);
    const files = await this.attachmentsOf(pageRows.map((r) => String(r.id)));
    const items = pageRows.map((r) => toMessage(r, files.get(String(r.id))));
    return { items, nextCursor: more ? items[items.length - 1].id : null };
  }

  /**
   * Changes in the caller's conversations since the cursor: new messages of the conversations they are a member of (the
   * rule of the history), their own memberships (joined, read mark moved) and the memberships that ended (tombstones).
   */
  async feed(p: Principal, q: MessageFeedQueryDto): Promise<FeedPage<MessageFeedItem>> {
    const cursor = (after: FeedPosition) => [after.xid, after.id];
    type Row = {
      cx: string;
      id: string;
      kind: 'message' | 'conversation';
      deleted?: boolean;
      message?: MessageRow;
      last_read_message_id?: string | null;
    };
    return readFeedPage<Row, MessageFeedItem>(
      pageCursor(q),
      q.limit,
      [
        async (after, limit) =>
          (
            (await this.db.query(
              `SELECT m.id::text AS id, m.conversation_id, m.sender_id, m.body, m.created_at, m.change_xid::text AS cx FROM messages m
                WHERE m.conversation_id IN (SELECT cm.conversation_id FROM conversation_members cm WHERE cm.user_id = $1)
                  AND ${afterCursorSql('m.change_xid', 'm.id::text', { xid: '$2', id: '$3' })}
                ORDER BY ${feedOrderSql('m.change_xid', 'm.id::text')} LIMIT $4`,
              [p.userId, ...cursor(after), limit],
            )) as Array<MessageRow & { cx: string }>
          ).map((m) => ({ cx: m.cx, id: String(m.id), kind: 'message' as const, message: m })),
        async (after, limit) =>
          (
            (await this.db.query(
              `SELECT cm.conversation_id::text AS id, cm.last_read_message_id::text AS last_read_message_id, cm.change_xid::text AS cx
                 FROM conversation_members cm
                WHERE cm.user_id = $1 AND ${afterCursorSql('cm.change_xid', 'cm.conversation_id::text', { xid: '$2', id: '$3' })}
                ORDER BY ${feedOrderSql('cm.change_xid', 'cm.conversation_id::text')} LIMIT $4`,
              [p.userId, ...cursor(after), limit],
            )) as Array<{ id: string; last_read_message_id: string | null; cx: string }>
          ).map((m) => ({ ...m, kind: 'conversation' as const })),
        async (after, limit) =>
          (await this.tombstones.after('conversation', p.userId, after, limit)).map((t) => ({ ...t, kind: 'conversation' as const })),
      ],
      async (rows) => {
        const files = await this.attachmentsOf(rows.flatMap((r) => (r.message ? [r.id] : [])));
        return rows.map((r): MessageFeedItem =>
          r.message
            ? {
                kind: 'message',
                id: r.id,
                conversationId: r.message.conversation_id,
                deleted: false,
                message: toMessage(r.message, files.get(r.id)),
              }
            : r.deleted
              ? { kind: 'conversation', id: r.id, conversationId: r.id, deleted: true }
              : { kind: 'conversation', id: r.id, conversationId: r.id, deleted: false, lastReadMessageId: r.last_read_message_id ?? null },
        );
      },
    );
  }

  async send(p: Principal, id: string, dto: SendMessageDto): Promise<MessageView> {
    return this.writeMessage(p, id, dto.body, []);
  }

  /**
   * A message with files (multipart/form-data: `body` text, `files`). Membership is checked
   * before any byte is stored; if the message cannot be written, the stored files are removed.
   */
  async sendWithFiles(p: Principal, id: string, req: Request, res: Response): Promise<MessageView> {
    await this.memberConversation(p, id);
    const { fields, files } = await this.uploads.receive(req, res, ATTACHMENT_SPEC, SendMessageFieldsDto);
    const body = fields.body ?? '';
    try {
      if (body === '' && files.length === 0) {
        throw validationFailed([{ field: 'body', code: 'isNotEmpty', message: 'Напишите текст или приложите файл' }]);
      }
      return await this.writeMessage(p, id, body, files);
    } catch (e) {
      await this.uploads.discard(files);
      throw e;
    }
  }

  /** A file of a message in a conversation the caller is a member of. */
  async download(p: Principal, id: string, attachmentId: string): Promise<StreamableFile> {
    await this.memberConversation(p, id);
    const [a] = await this.db.query(
      `SELECT a.storage_key, a.original_name, a.content_type, a.size_bytes FROM message_attachments a JOIN messages m ON m.id = a.message_id
        WHERE a.id = $1 AND m.conversation_id = $2`,
      [attachmentId, id],
    );
    if (!a) throw MessagingErrors.attachmentNotFound();
    const stream = await this.storage.read(a.storage_key);
    return new StreamableFile(stream, {
      type: a.content_type,
      length: a.size_bytes,
      disposition: `attachment; filename*=UTF-8''${encodeURIComponent(a.original_name)}`,
    });
  }

  private async writeMessage(p: Principal, id: string, body: string, files: ReceivedFile[]): Promise<MessageView> {
    return this.db.transaction(async (tx) => {
      const c = await this.lockMemberConversation(tx, p, id);
      const [row]: MessageRow[] = await tx.query(
        'INSERT INTO messages (conversation_id, sender_id, body) VALUES ($1, $2, $3) RETURNING id, conversation_id, sender_id, body, created_at',
        [id, p.userId, body],
      );
      const attachments: AttachmentRow[] = files.length
        ? await tx.query(
            `INSERT INTO message_attachments (message_id, storage_key, original_name, content_type, size_bytes)
             SELECT $1::bigint, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[])
             RETURNING id, message_id, original_name, content_type, size_bytes`,
            [row.id, files.map((f) => f.key), files.map((f) => f.originalName), files.map((f) => f.contentType), files.map((f) => f.size)],
          )
        : [];
      await tx.query(
        `UPDATE conversations
            SET last_message_at = CASE WHEN $2::bigint > COALESCE(last_message_id, 0) THEN $3 ELSE last_message_at END,
                last_message_id = GREATEST(COALESCE(last_message_id, 0), $2::bigint)
          WHERE id = $1`,
        [id, row.id, row.created_at],
      );
      // Writing a message means having read everything before it.
      await tx.query(
        'UPDATE conversation_members SET last_read_message_id = GREATEST(COALESCE(last_read_message_id, 0), $3::bigint) WHERE conversation_id = $1 AND user_id = $2',
        [id, p.userId, row.id],
      );
      await this.outbox.record(tx, [
        {
          type: 'message.created',
          aggregateType: 'conversation',
          aggregateId: id,
          schoolId: c.school_id,
          actorId: p.userId,
          payload: { conversationId: id, messageId: String(row.id), senderId: p.userId, attachmentCount: attachments.length },
          idempotencyKey: `message.created:${row.id}`,
        },
      ]);
      return toMessage(row, attachments.map(toAttachment));
    });
  }

  async markRead(p: Principal, id: string, dto: MarkReadDto): Promise<ReadStateView> {
    await this.memberConversation(p, id);
    let target: string | null;
    if (dto.upToMessageId) {
      const [m] = await this.db.query('SELECT id FROM messages WHERE id = $1::bigint AND conversation_id = $2', [dto.upToMessageId, id]);
      if (!m) throw MessagingErrors.messageNotFound();
      target = String(m.id);
    } else {
      const [m] = await this.db.query('SELECT max(id) AS id FROM messages WHERE conversation_id = $1', [id]);
      target = m.id === null ? null : String(m.id);
    }
    if (target !== null) {
      await this.db.query(
        'UPDATE conversation_members SET last_read_message_id = GREATEST(COALESCE(last_read_message_id, 0), $3::bigint) WHERE conversation_id = $1 AND user_id = $2',
        [id, p.userId, target],
      );
    }
    const [state] = await this.db.query(
      `SELECT m.last_read_message_id, ${UNREAD_OF_MEMBER} AS unread_count FROM conversation_members m WHERE m.conversation_id = $1 AND m.user_id = $2`,
      [id, p.userId],
    );
    if (!state) throw MessagingErrors.conversationNotFound();
    return {
      conversationId: id,
      lastReadMessageId: state.last_read_message_id === null ? null : String(state.last_read_message_id),
      unreadCount: state.unread_count,
    };
  }

  async unread(p: Principal): Promise<UnreadView> {
    const [msgs] = await this.db.query(
      `SELECT COALESCE(sum(t.n), 0)::int AS messages, count(*) FILTER (WHERE t.n > 0)::int AS conversations
         FROM (SELECT ${UNREAD_OF_MEMBER} AS n FROM conversation_members m WHERE m.user_id = $1) t`,
      [p.userId],
    );
    const [ann] = await this.db.query('SELECT count(*)::int AS n FROM announcement_recipients WHERE user_id = $1 AND read_at IS NULL', [
      p.userId,
    ]);
    return { messages: msgs.messages, conversations: msgs.conversations, announcements: ann.n };
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** The conversation as seen by a member; anyone else gets 404. */
  private async memberConversation(p: Principal, id: string): Promise<ConversationRow> {
    const [row]: ConversationRow[] = await this.db.query(`${CONVERSATION_SELECT} WHERE m.user_id = $1 AND c.id = $2`, [p.userId, id]);
    if (!row) throw MessagingErrors.conversationNotFound();
    return row;
  }

  /** Membership check that also locks the conversation row (sends and membership changes serialise per conversation). */
  private async lockMemberConversation(
    tx: EntityManager,
    p: Principal,
    id: string,
  ): Promise<{ id: string; kind: ConversationKind; school_id: string; created_by: string | null }> {
    const [c] = await tx.query(
      `SELECT c.id, c.kind, c.school_id, c.created_by FROM conversations c
        WHERE c.id = $1 AND EXISTS (SELECT 1 FROM conversation_members cm WHERE cm.conversation_id = c.id AND cm.user_id = $2)
        FOR NO KEY UPDATE`,
      [id, p.userId],
    );
    if (!c) throw MessagingErrors.conversationNotFound();
    return c;
  }

  private async lockGroupForOwner(tx: EntityManager, p: Principal, id: string): Promise<{ id: string }> {
    const c = await this.lockMemberConversation(tx, p, id);
    if (c.kind !== ConversationKind.Group) throw MessagingErrors.notGroup();
    if (c.created_by !== p.userId) throw MessagingErrors.notOwner();
    return c;
  }

  /** Attachments of several messages in one query, by message id. */
  private async attachmentsOf(messageIds: string[]): Promise<Map<string, AttachmentView[]>> {
    const out = new Map<string, AttachmentView[]>();
    if (!messageIds.length) return out;
    const rows: AttachmentRow[] = await this.db.query(
      `SELECT id, message_id, original_name, content_type, size_bytes FROM message_attachments
        WHERE message_id = ANY($1::bigint[]) ORDER BY created_at, id`,
      [messageIds],
    );
    for (const r of rows) {
      const key = String(r.message_id);
      out.set(key, [...(out.get(key) ?? []), toAttachment(r)]);
    }
    return out;
  }

  private async conversationViews(rows: ConversationRow[]): Promise<ConversationView[]> {
    const peerIds = [...new Set(rows.map((r) => r.peer_id).filter((x): x is string => !!x))];
    const peers: PersonRow[] = peerIds.length
      ? await this.db.query(`SELECT ${PERSON_COLUMNS} FROM users u WHERE u.id = ANY($1::uuid[])`, [peerIds])
      : [];
    const byId = new Map(peers.map((r) => [r.id, toPerson(r)]));
    const files = await this.attachmentsOf(rows.filter((r) => r.lm_id !== null).map((r) => String(r.lm_id)));
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
