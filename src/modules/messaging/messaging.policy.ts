import { hasRole, Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';

/**
 * SQL condition: the user row `alias` is someone the caller may write to. One condition evaluated
 * by PostgreSQL, used both to list contacts and to check every member of a new conversation.
 *
 * Always: same school as the caller, not the caller, account active. Then, by the caller's roles
 * (a user with several roles gets the union):
 * - everyone → the school's administration (school_admin);
 * - student → teachers of their current class (teacher_assignments) and its class teacher;
 * - parent → teachers and the class teacher of their children's current classes;
 * - teacher / class teacher → students of the classes they teach or lead, those students' parents,
 *   and colleagues (teachers and class teachers);
 * - school admin → everyone in the school.
 * A user without a school (region/platform admin) has no contacts.
 */
export function contactSql(p: Principal, alias: string): { sql: string; params: Record<string, unknown> } {
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
