import { Inject, Injectable, StreamableFile } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Principal } from '../../common/auth/principal';
import { validationFailed } from '../../common/errors/app-error';
import { pageCursor } from '../../common/pagination/cursor';
import { FeedPage, readFeedPage } from '../../core/feeds/feed-cursor';
import { TombstoneReader } from '../../core/feeds/tombstone-reader';
import { FILE_STORAGE, FileStorage } from '../../core/storage/storage.types';
import { ReceivedFile, UploadReceiver } from '../../core/storage/upload-receiver';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import { MessageFeedItem, MessageFeedQueryDto } from './dto/message-feed.dto';
import {
  ATTACHMENT_SPEC,
  MarkReadDto,
  MessageHistoryQueryDto,
  MessageHistoryView,
  MessageView,
  ReadStateView,
  SendMessageDto,
  SendMessageFieldsDto,
} from './dto/messaging.dto';
import { MessageRow, MessagesRepository } from './messages.repository';
import { MessagingErrors } from './messaging.errors';
import { MessagingOutbox } from './messaging-outbox';
import { attachmentsByMessage, toAttachment, toMessage } from './messaging.views';

/** Messages of a conversation: history, the feed, sending (with files), downloads, the read mark. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly repo: MessagesRepository,
    private readonly conversationsRepo: ConversationsRepository,
    private readonly conversations: ConversationsService,
    private readonly outbox: MessagingOutbox,
    private readonly uploads: UploadReceiver,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    private readonly tombstones: TombstoneReader,
  ) {}

  /** Newest first; `before` is the id of the oldest message the client already has. */
  async history(p: Principal, id: string, q: MessageHistoryQueryDto): Promise<MessageHistoryView> {
    await this.conversations.requireMember(p, id);
    const rows = await this.repo.history(id, pageCursor(q) ?? null, q.limit + 1);
    const more = rows.length > q.limit;
    const pageRows = rows.slice(0, q.limit);
    const files = attachmentsByMessage(await this.repo.attachmentsOf(pageRows.map((r) => String(r.id))));
    const items = pageRows.map((r) => toMessage(r, files.get(String(r.id))));
    return { items, nextCursor: more ? items[items.length - 1].id : null };
  }

  /**
   * Changes in the caller's conversations since the cursor: new messages of the conversations they are a member of (the
   * rule of the history), their own memberships (joined, read mark moved) and the memberships that ended (tombstones).
   */
  async feed(p: Principal, q: MessageFeedQueryDto): Promise<FeedPage<MessageFeedItem>> {
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
          (await this.repo.changesForMember(p, after, limit)).map((m) => ({
            cx: m.cx,
            id: String(m.id),
            kind: 'message' as const,
            message: m,
          })),
        async (after, limit) =>
          (await this.conversationsRepo.membershipChanges(p.userId, after, limit)).map((m) => ({ ...m, kind: 'conversation' as const })),
        async (after, limit) =>
          (await this.tombstones.after('conversation', p.userId, after, limit)).map((t) => ({ ...t, kind: 'conversation' as const })),
      ],
      async (rows) => {
        const files = attachmentsByMessage(await this.repo.attachmentsOf(rows.flatMap((r) => (r.message ? [r.id] : []))));
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
    await this.conversations.requireMember(p, id);
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
    await this.conversations.requireMember(p, id);
    const a = await this.repo.findAttachment(id, attachmentId);
    if (!a) throw MessagingErrors.attachmentNotFound();
    const stream = await this.storage.read(a.storage_key);
    return new StreamableFile(stream, {
      type: a.content_type,
      length: a.size_bytes,
      disposition: `attachment; filename*=UTF-8''${encodeURIComponent(a.original_name)}`,
    });
  }

  private async writeMessage(p: Principal, id: string, body: string, files: ReceivedFile[]): Promise<MessageView> {
    return this.repo.transaction(async (tx) => {
      const c = await this.conversations.lockForMember(tx, p, id);
      const row = await this.repo.insert(tx, id, p.userId, body);
      const attachments = await this.repo.insertAttachments(tx, row.id, files);
      await this.conversationsRepo.touchLastMessage(tx, id, row.id, row.created_at);
      // Writing a message means having read everything before it.
      await this.conversationsRepo.markReadUpTo(tx, id, p.userId, row.id);
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
    await this.conversations.requireMember(p, id);
    let target: string | null;
    if (dto.upToMessageId) {
      target = await this.repo.findIdInConversation(id, dto.upToMessageId);
      if (target === null) throw MessagingErrors.messageNotFound();
    } else {
      target = await this.repo.lastIdOf(id);
    }
    if (target !== null) await this.conversationsRepo.markReadUpTo(undefined, id, p.userId, target);
    const state = await this.conversationsRepo.readState(id, p.userId);
    if (!state) throw MessagingErrors.conversationNotFound();
    return {
      conversationId: id,
      lastReadMessageId: state.last_read_message_id === null ? null : String(state.last_read_message_id),
      unreadCount: state.unread_count,
    };
  }
}
