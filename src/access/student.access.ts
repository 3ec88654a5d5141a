import { hasRole, Principal } from '../common/auth/principal';
import { Role } from '../common/auth/role';
import { adminScope, scopeSql } from './school.access';
import { SqlCondition } from './sql-condition';

/**
 * Students: the student row `alias` (a users row) is visible to the caller. Parameters: `vis…`, `scope…`.
 * Self; a parent's own children; students of classes the teacher teaches (any subject) or leads; admins in scope.
 * Seeing a student is not seeing all their grades: grade.access.ts decides which marks.
 */
export function visibleStudentSql(p: Principal, alias: string): SqlCondition {
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
