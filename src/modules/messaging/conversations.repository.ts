import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { conversationMemberSql } from '../../access';
import { Principal } from '../../common/auth/principal';
import { SqlRepository } from '../../core/database/sql-repository';
import { afterCursorSql, FeedPosition, feedOrderSql } from '../../core/feeds/feed-cursor';
import { ConversationKind } from './entities/conversation.entity';

export interface ConversationRow {
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

export interface LockedConversation {
  id: string;
  kind: ConversationKind;
  school_id: string;
  created_by: string | null;
}

/** Unread messages of member row `m`: newer than what they read, written by someone else. */
const UNREAD_OF_MEMBER = `(SELECT count(*)::int FROM messages x
   WHERE x.conversation_id = m.conversation_id AND x.id > COALESCE(m.last_read_message_id, 0) AND x.sender_id IS DISTINCT FROM m.user_id)`;

/** A conversation as member row `m` sees it: counts, the peer of a 1:1, the last message. */
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

/**
 * SQL of conversations and conversation_members (messaging is their only writer), with the unread counts they carry.
 * Who is a member is the rule `conversationMemberSql` of src/access/conversation.access.ts.
 * Style: SqlRepository with positional parameters; writes take the service's transaction, the service opens it.
 */
@Injectable()
export class ConversationsRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  // ---- conversations ---------------------------------------------------------------------------

  /** A new 1:1 conversation, or null when the one of this key exists already. */
  async insertDirect(tx: EntityManager, schoolId: string | null, createdBy: string, directKey: string): Promise<string | null> {
    const inserted: Array<{ id: string }> = await tx.query(
      `INSERT INTO conversations (kind, school_id, created_by, direct_key) VALUES ('direct', $1, $2, $3)
       ON CONFLICT (direct_key) WHERE direct_key IS NOT NULL DO NOTHING RETURNING id`,
      [schoolId, createdBy, directKey],
    );
    return inserted.length ? inserted[0].id : null;
  }

  async findDirectId(tx: EntityManager, directKey: string): Promise<string> {
    const [existing] = await tx.query('SELECT id FROM conversations WHERE direct_key = $1', [directKey]);
    return existing.id as string;
  }

  async insertGroup(tx: EntityManager, title: string, schoolId: string | null, createdBy: string): Promise<string> {
    const [c] = await tx.query(`INSERT INTO conversations (kind, title, school_id, created_by) VALUES ('group', $1, $2, $3) RETURNING id`, [
      title,
      schoolId,
      createdBy,
    ]);
    return c.id as string;
  }

  /** The group, when its last member is gone. */
  async deleteIfEmpty(tx: EntityManager, id: string): Promise<void> {
    await tx.query(
      'DELETE FROM conversations c WHERE c.id = $1 AND NOT EXISTS (SELECT 1 FROM conversation_members cm WHERE cm.conversation_id = c.id)',
      [id],
    );
  }

  /** Moves the conversation's last message forward (never back). */
  async touchLastMessage(tx: EntityManager, id: string, messageId: string, createdAt: Date): Promise<void> {
    await tx.query(
      `UPDATE conversations
          SET last_message_at = CASE WHEN $2::bigint > COALESCE(last_message_id, 0) THEN $3 ELSE last_message_at END,
              last_message_id = GREATEST(COALESCE(last_message_id, 0), $2::bigint)
        WHERE id = $1`,
      [id, messageId, createdAt],
    );
  }

  // ---- as a member sees them ---------------------------------------------------------------------

  async countForMember(userId: string): Promise<number> {
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM conversation_members WHERE user_id = $1', [userId]);
    return n;
  }

  /** The user's conversations, most recently active first. */
  listForMember(userId: string, limit: number, offset: number): Promise<ConversationRow[]> {
    return this.db.query(
      `${CONVERSATION_SELECT}
        WHERE m.user_id = $1
        ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC
        LIMIT $2 OFFSET $3`,
      [userId, limit, offset],
    );
  }

  /** The conversation as the caller sees it, if they are a member (src/access `conversationMemberSql`). */
  async findForMember(p: Principal, id: string): Promise<ConversationRow | null> {
    const member = conversationMemberSql(p, 'c.id');
    const [row] = await this.run<ConversationRow>(`${CONVERSATION_SELECT} WHERE m.user_id = :cMe AND c.id = :cId AND ${member.sql}`, {
      cMe: p.userId,
      cId: id,
      ...member.params,
    });
    return row ?? null;
  }

  /** The conversation if the caller is a member, its row locked (sends and membership changes serialise per conversation). */
  async lockForMember(tx: EntityManager, p: Principal, id: string): Promise<LockedConversation | null> {
    const member = conversationMemberSql(p, 'c.id');
    const [c] = await this.run<LockedConversation>(
      `SELECT c.id, c.kind, c.school_id, c.created_by FROM conversations c WHERE c.id = :cId AND ${member.sql} FOR NO KEY UPDATE`,
      { cId: id, ...member.params },
      tx,
    );
    return c ?? null;
  }

  // ---- members -----------------------------------------------------------------------------------

  async memberIds(tx: EntityManager, id: string): Promise<string[]> {
    const rows: Array<{ user_id: string }> = await tx.query('SELECT user_id FROM conversation_members WHERE conversation_id = $1', [id]);
    return rows.map((r) => r.user_id);
  }

  /** Members of a new conversation. */
  async insertMembers(tx: EntityManager, id: string, userIds: string[]): Promise<void> {
    await tx.query('INSERT INTO conversation_members (conversation_id, user_id) SELECT $1, unnest($2::uuid[])', [id, userIds]);
  }

  /** More members of a group; those already in it stay as they are. */
  async addMembers(tx: EntityManager, id: string, userIds: string[]): Promise<void> {
    await tx.query('INSERT INTO conversation_members (conversation_id, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING', [
      id,
      userIds,
    ]);
  }

  /** Whether the user was a member (and is not any more). */
  async deleteMember(tx: EntityManager, id: string, userId: string): Promise<boolean> {
    // Wrapped in a CTE: TypeORM answers a bare DELETE with [rows, count] rather than rows.
    const deleted: unknown[] = await tx.query(
      'WITH d AS (DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2 RETURNING user_id) SELECT user_id FROM d',
      [id, userId],
    );
    return deleted.length > 0;
  }

  // ---- read state --------------------------------------------------------------------------------

  /** Moves the member's read mark forward to the message (never back). */
  async markReadUpTo(manager: EntityManager | undefined, id: string, userId: string, messageId: string): Promise<void> {
    await (manager ?? this.db.manager).query(
      'UPDATE conversation_members SET last_read_message_id = GREATEST(COALESCE(last_read_message_id, 0), $3::bigint) WHERE conversation_id = $1 AND user_id = $2',
      [id, userId, messageId],
    );
  }

  async readState(id: string, userId: string): Promise<{ last_read_message_id: string | null; unread_count: number } | null> {
    const [state] = await this.db.query(
      `SELECT m.last_read_message_id, ${UNREAD_OF_MEMBER} AS unread_count FROM conversation_members m WHERE m.conversation_id = $1 AND m.user_id = $2`,
      [id, userId],
    );
    return state ?? null;
  }

  /** Unread messages of the user, and in how many conversations. */
  async unreadTotals(userId: string): Promise<{ messages: number; conversations: number }> {
    const [msgs] = await this.db.query(
      `SELECT COALESCE(sum(t.n), 0)::int AS messages, count(*) FILTER (WHERE t.n > 0)::int AS conversations
         FROM (SELECT ${UNREAD_OF_MEMBER} AS n FROM conversation_members m WHERE m.user_id = $1) t`,
      [userId],
    );
    return msgs;
  }

  /** The user's memberships changed after the feed cursor (joined, read mark moved), oldest change first. */
  membershipChanges(
    userId: string,
    after: FeedPosition,
    limit: number,
  ): Promise<Array<{ id: string; last_read_message_id: string | null; cx: string }>> {
    return this.db.query(
      `SELECT cm.conversation_id::text AS id, cm.last_read_message_id::text AS last_read_message_id, cm.change_xid::text AS cx
         FROM conversation_members cm
        WHERE cm.user_id = $1 AND ${afterCursorSql('cm.change_xid', 'cm.conversation_id::text', { xid: '$2', id: '$3' })}
        ORDER BY ${feedOrderSql('cm.change_xid', 'cm.conversation_id::text')} LIMIT $4`,
      [userId, after.xid, after.id, limit],
    );
  }
}
