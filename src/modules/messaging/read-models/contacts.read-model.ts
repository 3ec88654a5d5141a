/**
 * Read model of messaging: the people it shows and may write to. It reads other modules' tables and never writes them:
 * - `users` (users module): names, roles, status and school of contacts, conversation members, senders and recipients;
 * - `enrolments`, `parent_children` (users) and `teacher_assignments`, `class_teachers` (teaching): only through
 *   `contactSql` (src/access/conversation.access.ts), the contacts rule of docs/domain.md;
 * - messaging's own `conversation_members` and `announcement_recipients`, joined with `users` where a list is ordered by name.
 * Why a join and not UsersService: the contacts rule is one condition PostgreSQL evaluates row by row while it filters,
 * searches and pages, and member and recipient lists are ordered by name in the same query (no N+1, no paging in memory).
 * Style: SqlRepository (named parameters for conditions composed with the policy, positional for fixed statements).
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../../../common/auth/principal';
import { SqlRepository } from '../../../core/database/sql-repository';
import { PersonView } from '../dto/messaging.dto';
import { contactSql } from '../../../access';

export interface PersonRow {
  id: string;
  last_name: string;
  first_name: string;
  middle_name: string | null;
  roles: PersonView['roles'];
}

export interface RecipientRow extends PersonRow {
  read_at: Date | null;
  confirmed_at: Date | null;
  last_reminded_at: Date | null;
  reminder_count: number;
}

export type RecipientStatus = 'all' | 'read' | 'unread' | 'confirmed' | 'unconfirmed';

const PERSON_COLUMNS = 'u.id, u.last_name, u.first_name, u.middle_name, u.roles';

const RECIPIENT_FILTER_SQL: Record<RecipientStatus, string> = {
  all: 'TRUE',
  read: 'r.read_at IS NOT NULL',
  unread: 'r.read_at IS NULL',
  confirmed: 'r.confirmed_at IS NOT NULL',
  unconfirmed: 'a.requires_confirmation AND r.confirmed_at IS NULL',
};

@Injectable()
export class ContactsReadModel extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  /** The caller's contacts, by name, filtered by role and by a search term (already lower-cased and LIKE-escaped). */
  async listContacts(
    p: Principal,
    q: { role?: string; term?: string; limit: number; offset: number },
  ): Promise<{ rows: PersonRow[]; total: number }> {
    const contact = contactSql(p, 'u');
    const where = [contact.sql];
    if (q.role) where.push(':role = ANY(u.roles)');
    if (q.term) {
      where.push(`(lower(u.last_name) LIKE :term OR lower(u.first_name) LIKE :term OR lower(COALESCE(u.middle_name, '')) LIKE :term
                    OR lower(u.last_name || ' ' || u.first_name) LIKE :term)`);
    }
    const params = { ...contact.params, role: q.role, term: q.term };
    const from = `FROM users u WHERE ${where.join(' AND ')}`;
    const [total] = await this.run<{ n: number }>(`SELECT count(*)::int AS n ${from}`, params);
    const rows = await this.run<PersonRow>(
      `SELECT ${PERSON_COLUMNS} ${from} ORDER BY u.last_name ASC, u.first_name ASC, u.id ASC LIMIT :limit OFFSET :offset`,
      { ...params, limit: q.limit, offset: q.offset },
    );
    return { rows, total: total?.n ?? 0 };
  }

  /** Those of `userIds` who are the caller's contacts. */
  async contactsAmong(p: Principal, userIds: string[], manager?: EntityManager): Promise<string[]> {
    const contact = contactSql(p, 'u');
    const rows = await this.run<{ id: string }>(
      `SELECT u.id FROM users u WHERE u.id IN (:...ids) AND ${contact.sql}`,
      { ids: userIds, ...contact.params },
      manager,
    );
    return rows.map((r) => r.id);
  }

  async peopleByIds(ids: string[]): Promise<PersonRow[]> {
    if (!ids.length) return [];
    return this.db.query(`SELECT ${PERSON_COLUMNS} FROM users u WHERE u.id = ANY($1::uuid[])`, [ids]);
  }

  /** Members of a conversation, by name. */
  membersOf(conversationId: string): Promise<PersonRow[]> {
    return this.db.query(
      `SELECT ${PERSON_COLUMNS} FROM conversation_members cm JOIN users u ON u.id = cm.user_id
        WHERE cm.conversation_id = $1 ORDER BY u.last_name, u.first_name, u.id`,
      [conversationId],
    );
  }

  /** Recipients of an announcement with their read/confirm/remind state, by name. */
  async recipientsOf(
    announcementId: string,
    status: RecipientStatus,
    limit: number,
    offset: number,
  ): Promise<{ rows: RecipientRow[]; total: number }> {
    const filter = RECIPIENT_FILTER_SQL[status];
    const from = `FROM announcement_recipients r JOIN announcements a ON a.id = r.announcement_id WHERE r.announcement_id = $1 AND ${filter}`;
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n ${from}`, [announcementId]);
    const rows: RecipientRow[] = await this.db.query(
      `SELECT ${PERSON_COLUMNS}, r.read_at, r.confirmed_at, r.last_reminded_at, r.reminder_count
         ${from.replace('WHERE', 'JOIN users u ON u.id = r.user_id WHERE')}
        ORDER BY u.last_name, u.first_name, u.id LIMIT $2 OFFSET $3`,
      [announcementId, limit, offset],
    );
    return { rows, total: n };
  }
}
