import { hasRole, Principal } from '../common/auth/principal';
import { Role } from '../common/auth/role';
import { SqlCondition } from './sql-condition';

/**
 * Conversations, messages and announcements. Parameters: `ct…`, `cv…`, `an…`.
 *
 * Contacts (`contactSql`): the user row `alias` is someone the caller may write to, used both to list contacts and
 * to check every member of a new conversation. Always: same school as the caller, not the caller, account active.
 * Then, by the caller's roles (a user with several roles gets the union):
 * - everyone → the school's administration (school_admin);
 * - student → teachers of their current class (teacher_assignments) and its class teacher;
 * - parent → teachers and the class teacher of their children's current classes;
 * - teacher / class teacher → students of the classes they teach or lead, those students' parents,
 *   and colleagues (teachers and class teachers);
 * - school admin → everyone in the school.
 * A user without a school (region/platform admin) has no contacts.
 *
 * A conversation, its messages and their files are read and written by its members only (`conversationMemberSql`).
 * A group's members are added only by its creator (`groupMembersAddableBy`); a member may leave it, and only the
 * creator removes someone else (`groupMemberRemovableBy`); both judge the group row already loaded for a member.
 * An announcement is sent by a school admin (to the school, a role or a class) or by a class teacher (to the class
 * they lead: `announcementAudienceAllowed` on the audience, `announcementClassSendableSql` on the class); it is read
 * by its recipients and managed (stats, recipients, reminders) by its sender and the admins of its school
 * (`announcementManagedSql`).
 * The messaging repositories and read models apply these conditions; none is spelled anywhere else.
 */
export function contactSql(p: Principal, alias: string): SqlCondition {
  if (!p.schoolId) return { sql: 'FALSE', params: {} };
  const params: Record<string, unknown> = { ctSelf: p.userId, ctSchool: p.schoolId };
  const base = `${alias}.school_id = :ctSchool AND ${alias}.id <> :ctSelf AND ${alias}.status = 'active'`;
  if (hasRole(p, Role.SchoolAdmin)) return { sql: `(${base})`, params };

  const teachesOrLeads = (classExpr: string): string =>
    `(EXISTS (SELECT 1 FROM teacher_assignments cta WHERE cta.class_id = ${classExpr} AND cta.teacher_id = ${alias}.id)
      OR EXISTS (SELECT 1 FROM class_teachers cct WHERE cct.class_id = ${classExpr} AND cct.teacher_id = ${alias}.id))`;
  const parts: string[] = [`'school_admin' = ANY(${alias}.roles)`];
  if (hasRole(p, Role.Student)) {
    parts.push(
      `EXISTS (SELECT 1 FROM enrolments ce WHERE ce.student_id = :ctSelf AND ce.ended_at IS NULL AND ${teachesOrLeads('ce.class_id')})`,
    );
  }
  if (hasRole(p, Role.Parent)) {
    parts.push(
      `EXISTS (SELECT 1 FROM parent_children cpc JOIN enrolments ce ON ce.student_id = cpc.child_id AND ce.ended_at IS NULL
                WHERE cpc.parent_id = :ctSelf AND ${teachesOrLeads('ce.class_id')})`,
    );
  }
  if (hasRole(p, Role.Teacher, Role.ClassTeacher)) {
    const myClasses = `(SELECT mta.class_id FROM teacher_assignments mta WHERE mta.teacher_id = :ctSelf
                        UNION SELECT mct.class_id FROM class_teachers mct WHERE mct.teacher_id = :ctSelf)`;
    parts.push(`${alias}.roles && ARRAY['teacher', 'class_teacher']::text[]`);
    parts.push(
      `EXISTS (SELECT 1 FROM enrolments ce WHERE ce.student_id = ${alias}.id AND ce.ended_at IS NULL AND ce.class_id IN ${myClasses})`,
    );
    parts.push(
      `EXISTS (SELECT 1 FROM parent_children cpc JOIN enrolments ce ON ce.student_id = cpc.child_id AND ce.ended_at IS NULL
                WHERE cpc.parent_id = ${alias}.id AND ce.class_id IN ${myClasses})`,
    );
  }
  return { sql: `(${base} AND (${parts.join(' OR ')}))`, params };
}

/** The caller is a member of the conversation `conversationExpr`: they may read it, its messages and files, and write to it. */
export function conversationMemberSql(p: Principal, conversationExpr: string): SqlCondition {
  return {
    sql: `EXISTS (SELECT 1 FROM conversation_members cvm WHERE cvm.conversation_id = ${conversationExpr} AND cvm.user_id = :cvMe)`,
    params: { cvMe: p.userId },
  };
}

/** The caller may add members to the group `group` (loaded for a member): only its creator. */
export function groupMembersAddableBy(p: Principal, group: { created_by: string | null }): boolean {
  return group.created_by === p.userId;
}

/** The caller may remove the member `userId` from the group `group` (loaded for a member): themselves (leaving), or anyone if they created it. */
export function groupMemberRemovableBy(p: Principal, group: { created_by: string | null }, userId: string): boolean {
  return userId === p.userId || group.created_by === p.userId;
}

/**
 * The caller may send an announcement to the audience `audience` ('school', 'role' or 'class'): the whole school or a
 * role only as a school admin; a class as whoever `announcementClassSendableSql` allows for that class.
 */
export function announcementAudienceAllowed(p: Principal, audience: string): boolean {
  return audience === 'class' || hasRole(p, Role.SchoolAdmin);
}

/** The caller may send an announcement to the class row `classAlias`: an admin of its school, or its class teacher. */
export function announcementClassSendableSql(p: Principal, classAlias: string): SqlCondition {
  if (!p.schoolId) return { sql: 'FALSE', params: {} };
  const params = { anMe: p.userId, anSchool: p.schoolId };
  if (hasRole(p, Role.SchoolAdmin)) return { sql: `(${classAlias}.school_id = :anSchool)`, params };
  return {
    sql: `(${classAlias}.school_id = :anSchool AND EXISTS (SELECT 1 FROM class_teachers anct WHERE anct.class_id = ${classAlias}.id AND anct.teacher_id = :anMe))`,
    params,
  };
}

/** The announcement row `alias` is managed by the caller (stats, recipients, reminders): its sender, or an admin of its school. */
export function announcementManagedSql(p: Principal, alias: string): SqlCondition {
  if (hasRole(p, Role.SchoolAdmin) && p.schoolId) {
    return { sql: `(${alias}.sender_id = :anMe OR ${alias}.school_id = :anSchool)`, params: { anMe: p.userId, anSchool: p.schoolId } };
  }
  return { sql: `(${alias}.sender_id = :anMe)`, params: { anMe: p.userId } };
}

/** The announcement `announcementExpr` is readable by the caller: they are one of its recipients. */
export function announcementReadableSql(p: Principal, announcementExpr: string): SqlCondition {
  return {
    sql: `EXISTS (SELECT 1 FROM announcement_recipients anr WHERE anr.announcement_id = ${announcementExpr} AND anr.user_id = :anMe)`,
    params: { anMe: p.userId },
  };
}
