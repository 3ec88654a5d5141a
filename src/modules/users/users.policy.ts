import { hasRole, Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { adminScope, scopeSql } from '../schools/schools.policy';

/**
 * SQL condition: the student row `alias` is visible to the caller. One condition, evaluated by
 * PostgreSQL, so lists are scoped in the query and never filtered in memory.
 * Self; a parent's own children; students of classes the teacher teaches or leads; admins in scope.
 */
export function visibleStudentSql(p: Principal, alias: string): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [`${alias}.id = :visSelf`];
  const params: Record<string, unknown> = { visSelf: p.userId };
  if (hasRole(p, Role.Parent)) {
    parts.push(`EXISTS (SELECT 1 FROM parent_children vpc WHERE vpc.parent_id = :visSelf AND vpc.child_id = ${alias}.id)`);
  }
  if (hasRole(p, Role.Teacher, Role.ClassTeacher)) {
    parts.push(
      `EXISTS (SELECT 1 FROM enrolments ve
                 WHERE ve.student_id = ${alias}.id AND ve.ended_at IS NULL
                   AND (EXISTS (SELECT 1 FROM teacher_assignments vta WHERE vta.class_id = ve.class_id AND vta.teacher_id = :visSelf)
                        OR EXISTS (SELECT 1 FROM class_teachers vct WHERE vct.class_id = ve.class_id AND vct.teacher_id = :visSelf)))`,
    );
  }
  const scope = adminScope(p);
  if (scope.kind !== 'none') {
    const s = scopeSql(scope, 'vs');
    parts.push(`EXISTS (SELECT 1 FROM schools vs WHERE vs.id = ${alias}.school_id AND ${s.sql})`);
    Object.assign(params, s.params);
  }
  return { sql: `(${parts.join(' OR ')})`, params };
}
