import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { conversationMemberSql } from '../../access';
import { Principal } from '../../common/auth/principal';
import { SqlRepository } from '../../core/database/sql-repository';
import { afterCursorSql, cursorParams, FeedPosition, feedOrderSql } from '../../core/feeds/feed-cursor';
import { ReceivedFile } from '../../core/storage/upload-receiver';

export interface MessageRow {
  id: string;
  conversation_id: string;
  sender_id: string | null;
  body: string;
  created_at: Date;
}

export interface AttachmentRow {
  id: string;
  message_id: string;
  original_name: string;
  content_type: string;
  size_bytes: number;
}

/**
 * SQL of messages and message_attachments (messaging is their only writer). Style: SqlRepository with positional
 * parameters; writes take the service's transaction, the service opens it.
 */
@Injectable()
export class MessagesRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  /** Newest first, older than `before` when given; `limit` rows. */
  history(conversationId: string, before: string | null, limit: number): Promise<MessageRow[]> {
    return this.db.query(
      `SELECT id, conversation_id, sender_id, body, created_at FROM messages
        WHERE conversation_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint)
        ORDER BY id DESC LIMIT $3`,
      [conversationId, before, limit],
    );
  }

  /** Messages of the conversations the caller is a member of (`conversationMemberSql`), after the feed cursor, oldest change first. */
  changesForMember(p: Principal, after: FeedPosition, limit: number): Promise<Array<MessageRow & { cx: string }>> {
    const member = conversationMemberSql(p, 'm.conversation_id');
    return this.run(
      `SELECT m.id::text AS id, m.conversation_id, m.sender_id, m.body, m.created_at, m.change_xid::text AS cx FROM messages m
        WHERE ${member.sql} AND ${afterCursorSql('m.change_xid', 'm.id::text')}
        ORDER BY ${feedOrderSql('m.change_xid', 'm.id::text')} LIMIT :fLimit`,
      { fLimit: limit, ...cursorParams(after), ...member.params },
    );
  }

  async insert(tx: EntityManager, conversationId: string, senderId: string, body: string): Promise<MessageRow> {
    const [row]: MessageRow[] = await tx.query(
      'INSERT INTO messages (conversation_id, sender_id, body) VALUES ($1, $2, $3) RETURNING id, conversation_id, sender_id, body, created_at',
      [conversationId, senderId, body],
    );
    return row;
  }

  async insertAttachments(tx: EntityManager, messageId: string, files: ReceivedFile[]): Promise<AttachmentRow[]> {
    if (!files.length) return [];
    return tx.query(
      `INSERT INTO message_attachments (message_id, storage_key, original_name, content_type, size_bytes)
       SELECT $1::bigint, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[])
       RETURNING id, message_id, original_name, content_type, size_bytes`,
      [messageId, files.map((f) => f.key), files.map((f) => f.originalName), files.map((f) => f.contentType), files.map((f) => f.size)],
    );
  }

  /** Attachments of several messages in one query. */
  async attachmentsOf(messageIds: string[]): Promise<AttachmentRow[]> {
    if (!messageIds.length) return [];
    return this.db.query(
      `SELECT id, message_id, original_name, content_type, size_bytes FROM message_attachments
        WHERE message_id = ANY($1::bigint[]) ORDER BY created_at, id`,
      [messageIds],
    );
  }

  /** A file of a message of the conversation. */
  async findAttachment(
    conversationId: string,
    attachmentId: string,
  ): Promise<{ storage_key: string; original_name: string; content_type: string; size_bytes: number } | null> {
    const [a] = await this.db.query(
      `SELECT a.storage_key, a.original_name, a.content_type, a.size_bytes FROM message_attachments a JOIN messages m ON m.id = a.message_id
        WHERE a.id = $1 AND m.conversation_id = $2`,
      [attachmentId, conversationId],
    );
    return a ?? null;
  }

  /** The id of the message if it belongs to the conversation. */
  async findIdInConversation(conversationId: string, messageId: string): Promise<string | null> {
    const [m] = await this.db.query('SELECT id FROM messages WHERE id = $1::bigint AND conversation_id = $2', [messageId, conversationId]);
    return m ? String(m.id) : null;
  }

  /** The newest message id of the conversation, or null when it has none. */
  async lastIdOf(conversationId: string): Promise<string | null> {
    const [m] = await this.db.query('SELECT max(id) AS id FROM messages WHERE conversation_id = $1', [conversationId]);
    return m.id === null ? null : String(m.id);
  }
}
