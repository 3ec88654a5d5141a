import { hasRole, Principal } from '../common/auth/principal';
import { Role } from '../common/auth/role';
import { classReadableSql } from './class.access';
import { teachesSql } from './grade.access';
import { schoolAdminSql } from './school.access';
import { SqlCondition } from './sql-condition';

/**
 * Homework rows (parameters `hp…`; the alias `h` is a homework row):
 * - a homework (and its files) is readable by whoever may read its class (students, parents, teachers, admins);
 * - it is writable (edit, delete, attach files, grade submissions) by the teacher of its class and subject;
 * - one student's work (submission, its files, the comment thread) is readable by the student, their parents, the
 *   teacher of the class and subject, the class teacher and admins; a submission is written by the student
 *   themself, a current student of the class (`homeworkSubmittableSql`); viewing one student's submission and
 *   writing in their thread also need that student to be a current student of the class (`currentStudentWorkSql`;
 *   reading the thread does not);
 * - the per-student overview (who handed in what): its teacher, the class teacher, admins.
 */
export const homeworkReadableSql = (p: Principal, h: string): SqlCondition => classReadableSql(p, `${h}.class_id`);

export const homeworkWritableSql = (p: Principal, h: string): SqlCondition => teachesSql(p, `${h}.class_id`, `${h}.subject_id`);

/** Setting homework for a class and subject (no row yet): the teacher of that class and subject. */
export const homeworkAssignableSql = (p: Principal, classExpr: string, subjectExpr: string): SqlCondition =>
  teachesSql(p, classExpr, subjectExpr);

/** The caller may hand in work for the homework row `h`: a student currently enrolled in its class. */
export function homeworkSubmittableSql(p: Principal, h: string): SqlCondition {
  if (!hasRole(p, Role.Student)) return { sql: 'FALSE', params: {} };
  return {
    sql: `EXISTS (SELECT 1 FROM enrolments hse WHERE hse.class_id = ${h}.class_id AND hse.student_id = :hpMe AND hse.ended_at IS NULL)`,
    params: { hpMe: p.userId },
  };
}

export function studentWorkReadableSql(p: Principal, h: string, studentExpr: string): SqlCondition {
  const parts = [`${studentExpr} = :hpMe`];
  const params: Record<string, unknown> = { hpMe: p.userId };
  if (hasRole(p, Role.Parent))
    parts.push(`EXISTS (SELECT 1 FROM parent_children hpc WHERE hpc.parent_id = :hpMe AND hpc.child_id = ${studentExpr})`);
  if (hasRole(p, Role.Teacher, Role.ClassTeacher)) {
    const t = homeworkWritableSql(p, h);
    parts.push(t.sql);
    Object.assign(params, t.params);
    parts.push(`EXISTS (SELECT 1 FROM class_teachers hct WHERE hct.class_id = ${h}.class_id AND hct.teacher_id = :hpMe)`);
  }
  const admin = schoolAdminSql(p, `${h}.school_id`);
  if (admin.sql !== 'FALSE') {
    parts.push(admin.sql);
    Object.assign(params, admin.params);
  }
  return { sql: `(${parts.join(' OR ')})`, params };
}

/**
 * One student's work on the homework row `h` (their submission, a comment in their thread) that the caller may read,
 * the student being a current student of its class.
 */
export function currentStudentWorkSql(p: Principal, h: string, studentExpr: string): SqlCondition {
  const readable = studentWorkReadableSql(p, h, studentExpr);
  return {
    sql: `(${readable.sql} AND EXISTS (SELECT 1 FROM enrolments hce WHERE hce.class_id = ${h}.class_id AND hce.student_id = ${studentExpr} AND hce.ended_at IS NULL))`,
    params: readable.params,
  };
}

/** The teacher's overview of a homework (per-student statuses): its teacher, the class teacher, admins. */
export function homeworkReviewableSql(p: Principal, h: string): SqlCondition {
  const parts: string[] = [];
  const params: Record<string, unknown> = { hpMe: p.userId };
  if (hasRole(p, Role.Teacher, Role.ClassTeacher)) {
    const t = homeworkWritableSql(p, h);
    parts.push(t.sql, `EXISTS (SELECT 1 FROM class_teachers hct WHERE hct.class_id = ${h}.class_id AND hct.teacher_id = :hpMe)`);
    Object.assign(params, t.params);
  }
  const admin = schoolAdminSql(p, `${h}.school_id`);
  if (admin.sql !== 'FALSE') {
    parts.push(admin.sql);
    Object.assign(params, admin.params);
  }
  return { sql: parts.length ? `(${parts.join(' OR ')})` : 'FALSE', params };
}
