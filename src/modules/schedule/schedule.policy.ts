import { hasRole, Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { adminScope, scopeSql } from '../schools/schools.policy';

export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * Row-level rules of the diary, as SQL conditions evaluated by PostgreSQL (deny by default):
 * - a class is readable by admins of its school, its teachers (any subject) and class teacher,
 *   its current students and their parents;
 * - a lesson is readable when its class is, and by the teacher covering it (a substitute sees only
 *   the lessons they cover).
 * Parameter names start with `pol` so they never clash with the caller's.
 */
export function classReadableSql(p: Principal, classIdExpr: string): SqlCondition {
  const parts: string[] = [];
  const params: Record<string, unknown> = { polMe: p.userId };
  if (hasRole(p, Role.Teacher, Role.ClassTeacher)) {
    parts.push(`EXISTS (SELECT 1 FROM teacher_assignments pta WHERE pta.class_id = ${classIdExpr} AND pta.teacher_id = :polMe)`);
    parts.push(`EXISTS (SELECT 1 FROM class_teachers pct WHERE pct.class_id = ${classIdExpr} AND pct.teacher_id = :polMe)`);
  }
  if (hasRole(p, Role.Student)) {
    parts.push(
      `EXISTS (SELECT 1 FROM enrolments pe WHERE pe.class_id = ${classIdExpr} AND pe.student_id = :polMe AND pe.ended_at IS NULL)`,
    );
  }
  if (hasRole(p, Role.Parent)) {
    parts.push(
      `EXISTS (SELECT 1 FROM enrolments pe2 JOIN parent_children ppc ON ppc.child_id = pe2.student_id
                WHERE pe2.class_id = ${classIdExpr} AND pe2.ended_at IS NULL AND ppc.parent_id = :polMe)`,
    );
  }
  const admin = schoolAdminSql(p, `(SELECT pc.school_id FROM classes pc WHERE pc.id = ${classIdExpr})`);
  if (admin.sql !== 'FALSE') {
    parts.push(admin.sql);
    Object.assign(params, admin.params);
  }
  return { sql: parts.length ? `(${parts.join(' OR ')})` : 'FALSE', params };
}

/** The caller administers the school (school admin of it, region admin of its region, platform admin). */
export function schoolAdminSql(p: Principal, schoolIdExpr: string): SqlCondition {
  const scope = adminScope(p);
  switch (scope.kind) {
    case 'all':
      return { sql: 'TRUE', params: {} };
    case 'school':
      return { sql: `(${schoolIdExpr} = :polAdminSchool)`, params: { polAdminSchool: scope.schoolId } };
    case 'region': {
      const s = scopeSql(scope, 'pas');
      return { sql: `EXISTS (SELECT 1 FROM schools pas WHERE pas.id = ${schoolIdExpr} AND ${s.sql})`, params: s.params };
    }
    default:
      return { sql: 'FALSE', params: {} };
  }
}

/** A lesson row `alias` is readable by the caller. */
export function lessonReadableSql(p: Principal, alias: string): SqlCondition {
  const cls = classReadableSql(p, `${alias}.class_id`);
  return {
    sql: `(${cls.sql} OR ${alias}.teacher_id = :polMe OR ${alias}.substitute_teacher_id = :polMe)`,
    params: { ...cls.params, polMe: p.userId },
  };
}

/** The teacher whose week the caller may read: self, or any teacher of a school they administer. */
export function teacherReadableSql(p: Principal, userAlias: string): SqlCondition {
  const admin = schoolAdminSql(p, `${userAlias}.school_id`);
  return { sql: `(${userAlias}.id = :polMe OR ${admin.sql})`, params: { polMe: p.userId, ...admin.params } };
}
