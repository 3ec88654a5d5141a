import { Principal } from '../common/auth/principal';
import { classReadableSql } from './class.access';
import { schoolAdminSql } from './school.access';
import { SqlCondition } from './sql-condition';

/**
 * Lessons and teachers' weeks. Parameters: `pol…`.
 * - a lesson is readable when its class is, and by the teacher covering it (a substitute sees only the lessons they
 *   cover, not the rest of the class);
 * - a lesson is changed (moved, substituted, cancelled) by admins of its school.
 */
export function lessonReadableSql(p: Principal, alias: string): SqlCondition {
  const cls = classReadableSql(p, `${alias}.class_id`);
  return {
    sql: `(${cls.sql} OR ${alias}.teacher_id = :polMe OR ${alias}.substitute_teacher_id = :polMe)`,
    params: { ...cls.params, polMe: p.userId },
  };
}

/** The teacher (users row `userAlias`) whose week the caller may read: self, or any teacher of a school they administer. */
export function teacherReadableSql(p: Principal, userAlias: string): SqlCondition {
  const admin = schoolAdminSql(p, `${userAlias}.school_id`);
  return { sql: `(${userAlias}.id = :polMe OR ${admin.sql})`, params: { polMe: p.userId, ...admin.params } };
}

/** The lesson row `alias` may be changed by the caller: an admin of its school. */
export const lessonWritableSql = (p: Principal, alias: string): SqlCondition => schoolAdminSql(p, `${alias}.school_id`);
