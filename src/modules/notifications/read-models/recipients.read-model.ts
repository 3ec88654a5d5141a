/**
 * Read model "recipients of a fan-out", owned by the notifications module: who an outbox event notifies,
 * with the names its texts need. It is the one place where notifications reads other modules' tables,
 * always read-only, and always in the fan-out transaction (`NotificationsRepository.fanOutTransaction`):
 *
 * - users (users module): `users` — who is active, a child's first name, a person's full name, a school's
 *   admins (`school_id`, `roles`); `parent_children` — a student's parents; `enrolments` — a class's students;
 * - messaging: `conversation_members`, `announcement_recipients` — who a message or an announcement is for;
 * - schools: `subjects` — a subject's name; schedule: `lessons` — the subject of a lesson (reminders carry
 *   only the lesson);
 * - and, from notifications' own tables, `notification_preferences` (the recipient's channels).
 *
 * Why a join and not those modules' services: one fan-out batch (up to 100 events of every kind) resolves
 * every recipient in one statement and every subject name in a second one, whatever the batch size
 * (test/e2e/notifications-fan-out.e2e-spec.ts counts them). Service calls would be one round trip per
 * source and key kind, each on a second pool connection taken while the fan-out transaction holds one
 * (four fan-outs run at once). The subject names too stay here: the lesson branch must join schedule's
 * lessons with schools' subjects anyway, no module exports a batch name lookup, and the UNION answers
 * both in the statement that would be needed for lessons alone.
 *
 * What each of those tables means is their modules' rule (docs/architecture.md, docs/domain.md): a
 * change there (a new enrolment rule, a new kind of membership) must be mirrored here.
 */
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export type RecipientSource = 'student' | 'class' | 'user' | 'conversation' | 'announcement' | 'account';

/** Ids to look recipients up for, per source (see `recipients`). */
export type RecipientKeys = Record<RecipientSource, string[]>;

/** One candidate recipient of a fan-out, with what its text and channel need. */
export interface RecipientRow {
  source: RecipientSource;
  /** The id asked for: a student, class, user, conversation or announcement. */
  key: string;
  user_id: string;
  /** The student the event is about, when the recipient is their parent (texts name the child). */
  child_id: string | null;
  child_name: string | null;
  /** 'account' rows for an admin: the full name of the person the alert is about (child_id). */
  person_name: string | null;
  /** 0: the person the key names (or a class's student); 1: a parent (or, for 'account', a school admin). */
  ord: number;
  /** null: the user never saved preferences. */
  channels: Record<string, string> | null;
  daily_digest: boolean | null;
}

/** Subject names of a batch: by subject id, and by lesson id. */
export interface SubjectNames {
  bySubject: Map<string, string>;
  byLesson: Map<string, string>;
}

@Injectable()
export class RecipientsReadModel {
  /**
   * Everyone a batch of events may notify, in one statement: for each asked key the active people it
   * names, with the child's first name (parents' texts) and the person's notification preferences.
   *
   * - student: the students themselves (ord 0) and their parents (ord 1, child_id = the student);
   * - class: students currently enrolled and their parents (child_id null: class-wide texts name nobody);
   * - user: the users themselves; conversation: its members; announcement: its recipients;
   * - account: the user (ord 0) and, when the user is staff of a school, that school's active admins
   *   (ord 1, child_id = the user, person_name = their full name): who hears of a lockout.
   *
   * Rows come ordered by source, key, ord, user id. Only branches with ids are sent to PostgreSQL.
   */
  async recipients(m: EntityManager, keys: RecipientKeys): Promise<RecipientRow[]> {
    const branches: string[] = [];
    const params: string[][] = [];
    const arg = (ids: string[]): string => {
      params.push(ids);
      return `$${params.length}::uuid[]`;
    };
    const active = (col: string): string => `JOIN users u ON u.id = ${col} AND u.status = 'active'`;
    // every branch names its columns: the first one present gives the union its column names
    const cols = (source: RecipientSource, key: string, user: string, child: string, ord: 0 | 1): string =>
      `SELECT '${source}'::text AS source, ${key} AS key, ${user} AS user_id, ${child}::uuid AS child_id, ${ord} AS ord`;
    if (keys.student.length) {
      const a = arg(keys.student);
      branches.push(
        `${cols('student', 'u.id', 'u.id', 'NULL', 0)} FROM users u WHERE u.id = ANY(${a}) AND u.status = 'active'`,
        `${cols('student', 'pc.child_id', 'pc.parent_id', 'pc.child_id', 1)} FROM parent_children pc ${active('pc.parent_id')} WHERE pc.child_id = ANY(${a})`,
      );
    }
    if (keys.class.length) {
      const a = arg(keys.class);
      branches.push(
        `${cols('class', 'e.class_id', 'e.student_id', 'NULL', 0)} FROM enrolments e ${active('e.student_id')} WHERE e.class_id = ANY(${a}) AND e.ended_at IS NULL`,
        `${cols('class', 'e.class_id', 'pc.parent_id', 'NULL', 1)} FROM enrolments e JOIN parent_children pc ON pc.child_id = e.student_id ${active('pc.parent_id')}
          WHERE e.class_id = ANY(${a}) AND e.ended_at IS NULL`,
      );
    }
    if (keys.user.length) {
      branches.push(`${cols('user', 'u.id', 'u.id', 'NULL', 0)} FROM users u WHERE u.id = ANY(${arg(keys.user)}) AND u.status = 'active'`);
    }
    if (keys.conversation.length) {
      branches.push(
        `${cols('conversation', 'cm.conversation_id', 'cm.user_id', 'NULL', 0)} FROM conversation_members cm ${active('cm.user_id')} WHERE cm.conversation_id = ANY(${arg(keys.conversation)})`,
      );
    }
    if (keys.announcement.length) {
      branches.push(
        `${cols('announcement', 'ar.announcement_id', 'ar.user_id', 'NULL', 0)} FROM announcement_recipients ar ${active('ar.user_id')} WHERE ar.announcement_id = ANY(${arg(keys.announcement)})`,
      );
    }
    if (keys.account.length) {
      const a = arg(keys.account);
      branches.push(
        `${cols('account', 'u.id', 'u.id', 'NULL', 0)} FROM users u WHERE u.id = ANY(${a}) AND u.status = 'active'`,
        `${cols('account', 'x.id', 'adm.id', 'x.id', 1)} FROM users x
           JOIN users adm ON adm.school_id = x.school_id AND 'school_admin' = ANY(adm.roles) AND adm.status = 'active' AND adm.id <> x.id
          WHERE x.id = ANY(${a}) AND x.roles && ARRAY['teacher', 'class_teacher', 'school_admin']::text[]`,
      );
    }
    if (branches.length === 0) return [];
    return m.query(
      `SELECT r.source, r.key, r.user_id, r.child_id, c.first_name AS child_name,
              CASE WHEN r.source = 'account' THEN concat_ws(' ', c.last_name, c.first_name, c.middle_name) END AS person_name,
              r.ord, p.channels, p.daily_digest
         FROM (${branches.join('\n UNION ALL ')}) r
         LEFT JOIN users c ON c.id = r.child_id
         LEFT JOIN notification_preferences p ON p.user_id = r.user_id
        ORDER BY r.source, r.key, r.ord, r.user_id`,
      params,
    );
  }

  /** Subject names by subject id and by lesson id (reminders carry only the lesson), in one statement. */
  async subjectNames(m: EntityManager, subjectIds: string[], lessonIds: string[]): Promise<SubjectNames> {
    const branches: string[] = [];
    const params: string[][] = [];
    if (subjectIds.length) {
      params.push(subjectIds);
      branches.push(`SELECT 'subject' AS source, s.id AS key, s.name FROM subjects s WHERE s.id = ANY($${params.length}::uuid[])`);
    }
    if (lessonIds.length) {
      params.push(lessonIds);
      branches.push(
        `SELECT 'lesson' AS source, l.id AS key, s.name FROM lessons l JOIN subjects s ON s.id = l.subject_id WHERE l.id = ANY($${params.length}::uuid[])`,
      );
    }
    const bySubject = new Map<string, string>();
    const byLesson = new Map<string, string>();
    if (branches.length === 0) return { bySubject, byLesson };
    const rows: Array<{ source: string; key: string; name: string }> = await m.query(branches.join(' UNION ALL '), params);
    for (const r of rows) (r.source === 'subject' ? bySubject : byLesson).set(r.key, r.name);
    return { bySubject, byLesson };
  }
}
