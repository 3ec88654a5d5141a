import { hasRole, Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { schoolAdminSql, SqlCondition } from '../schedule/schedule.policy';

/**
 * Who may touch which marks, as SQL conditions (deny by default). Parameter names start with `gp`.
 * - write: the teacher of that class and subject; a substitute only for the lessons they cover;
 * - read: the student, their parents, the teacher of that class and subject, the class teacher,
 *   the substitute for the lessons they covered, admins of the school.
 */
export function teachesSql(p: Principal, classExpr: string, subjectExpr: string): SqlCondition {
  if (!hasRole(p, Role.Teacher)) return { sql: 'FALSE', params: {} };
  return {
    sql: `EXISTS (SELECT 1 FROM teacher_assignments gta WHERE gta.teacher_id = :gpMe AND gta.class_id = ${classExpr} AND gta.subject_id = ${subjectExpr})`,
    params: { gpMe: p.userId },
  };
}

export function gradeWritableSql(p: Principal, alias: string): SqlCondition {
  const teaches = teachesSql(p, `${alias}.class_id`, `${alias}.subject_id`);
  if (!hasRole(p, Role.Teacher)) return { sql: 'FALSE', params: {} };
  return {
    sql: `(${teaches.sql} OR EXISTS (SELECT 1 FROM lessons gsl WHERE gsl.id = ${alias}.lesson_id AND gsl.substitute_teacher_id = :gpMe))`,
    params: { ...teaches.params, gpMe: p.userId },
  };
}

export function gradeReadableSql(p: Principal, alias: string): SqlCondition {
  const parts = [`${alias}.student_id = :gpMe`];
  const params: Record<string, unknown> = { gpMe: p.userId };
  if (hasRole(p, Role.Parent))
    parts.push(`EXISTS (SELECT 1 FROM parent_children gpc WHERE gpc.parent_id = :gpMe AND gpc.child_id = ${alias}.student_id)`);
  if (hasRole(p, Role.Teacher, Role.ClassTeacher)) {
    parts.push(gradeWritableSql(p, alias).sql);
    parts.push(`EXISTS (SELECT 1 FROM class_teachers gct WHERE gct.class_id = ${alias}.class_id AND gct.teacher_id = :gpMe)`);
  }
  const admin = schoolAdminSql(p, `${alias}.school_id`);
  if (admin.sql !== 'FALSE') {
    parts.push(admin.sql);
    Object.assign(params, admin.params);
  }
  return { sql: `(${parts.join(' OR ')})`, params };
}

/** The class journal of a subject: its teacher, the class teacher, admins of the school. */
export function journalReadableSql(p: Principal, classAlias: string, subjectExpr: string): SqlCondition {
  const parts: string[] = [];
  const params: Record<string, unknown> = { gpMe: p.userId };
  if (hasRole(p, Role.Teacher)) parts.push(teachesSql(p, `${classAlias}.id`, subjectExpr).sql);
  if (hasRole(p, Role.Teacher, Role.ClassTeacher)) {
    parts.push(`EXISTS (SELECT 1 FROM class_teachers gct WHERE gct.class_id = ${classAlias}.id AND gct.teacher_id = :gpMe)`);
  }
  const admin = schoolAdminSql(p, `${classAlias}.school_id`);
  if (admin.sql !== 'FALSE') {
    parts.push(admin.sql);
    Object.assign(params, admin.params);
  }
  return { sql: parts.length ? `(${parts.join(' OR ')})` : 'FALSE', params };
}

/** Members of the school (any role placed in it) and its admins may read its grading settings and periods. */
export function schoolReadableSql(p: Principal, schoolExpr: string): SqlCondition {
  const admin = schoolAdminSql(p, schoolExpr);
  return {
    sql: `(${schoolExpr} = :gpMySchool OR ${admin.sql})`,
    params: { gpMySchool: p.schoolId ?? '00000000-0000-0000-0000-000000000000', ...admin.params },
  };
}
