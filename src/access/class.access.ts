import { hasRole, Principal } from '../common/auth/principal';
import { Role } from '../common/auth/role';
import { schoolAdminSql } from './school.access';
import { SqlCondition } from './sql-condition';

/**
 * Classes: a class is readable by admins of its school, its teachers (any subject) and class teacher, its current
 * students and their parents. Reading a class means its timetable, its change history, its week (with per-lesson
 * counts, never one student's marks) and its homework. Parameters: `pol…`.
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

/** Changing the timetable of the class row `classAlias` (new lessons, term patterns): admins of its school. */
export const classTimetableWritableSql = (p: Principal, classAlias: string): SqlCondition => schoolAdminSql(p, `${classAlias}.school_id`);
