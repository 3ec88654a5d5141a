import { hasRole, Principal } from '../common/auth/principal';
import { Role } from '../common/auth/role';
import { adminScope, schoolAdminSql } from './school.access';
import { SqlCondition } from './sql-condition';

/**
 * Marks and attendance ("Who sees which grades" in docs/domain.md). Parameters: `gp…`, `ga…`.
 * - write (a mark, an attendance mark): the teacher of that class and subject; a substitute only for the lessons
 *   they cover;
 * - read: the student, their parents, the teacher of that class and subject, the class teacher of the class (every
 *   subject), the substitute for the lessons they covered, admins of the school. A subject teacher of the class does
 *   not see the other subjects' marks. Every route showing one student's marks applies `gradeReadableSql`: the
 *   student's grades and averages, the grade and attendance feeds, the corrections, the week view;
 * - a class journal (one subject, every student): its teacher, the class teacher, admins of the school.
 * Attendance rows carry the same columns (student, class, subject, lesson, school) and follow the same rule.
 */
export function teachesSql(p: Principal, classExpr: string, subjectExpr: string): SqlCondition {
  if (!hasRole(p, Role.Teacher)) return { sql: 'FALSE', params: {} };
  return {
    sql: `EXISTS (SELECT 1 FROM teacher_assignments gta WHERE gta.teacher_id = :gpMe AND gta.class_id = ${classExpr} AND gta.subject_id = ${subjectExpr})`,
    params: { gpMe: p.userId },
  };
}

/** The caller teaches some subject in the class (a grade import into it; each row is then checked against its subject). */
export function teachesInClassSql(p: Principal, classExpr: string): SqlCondition {
  if (!hasRole(p, Role.Teacher)) return { sql: 'FALSE', params: {} };
  return {
    sql: `EXISTS (SELECT 1 FROM teacher_assignments gta WHERE gta.class_id = ${classExpr} AND gta.teacher_id = :gpMe)`,
    params: { gpMe: p.userId },
  };
}

/** The caller may change the mark (or attendance mark) row `alias`. */
export function gradeWritableSql(p: Principal, alias: string): SqlCondition {
  const teaches = teachesSql(p, `${alias}.class_id`, `${alias}.subject_id`);
  if (!hasRole(p, Role.Teacher)) return { sql: 'FALSE', params: {} };
  return {
    sql: `(${teaches.sql} OR EXISTS (SELECT 1 FROM lessons gsl WHERE gsl.id = ${alias}.lesson_id AND gsl.substitute_teacher_id = :gpMe))`,
    params: { ...teaches.params, gpMe: p.userId },
  };
}

/** The caller may read the mark (or attendance mark) row `alias`. */
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

/** Attendance marks follow the grade rule: the row `alias` of attendance is readable by the caller. */
export const attendanceReadableSql = gradeReadableSql;

/** Attendance is marked by whoever may give a mark at that lesson. */
export const attendanceWritableSql = gradeWritableSql;

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

/**
 * A class's grade and attendance feed (`?classId=`): whoever may read the journal of some subject taught in the class
 * (its teachers, the class teacher, admins). Each row of the feed is then checked with `gradeReadableSql`.
 */
export function classGradeFeedReadableSql(p: Principal, classAlias: string): SqlCondition {
  return journalReadableSql(
    p,
    classAlias,
    `ANY (SELECT gta2.subject_id FROM teacher_assignments gta2 WHERE gta2.class_id = ${classAlias}.id)`,
  );
}

/**
 * A SQL text expression naming which of one student's marks `gradeReadableSql` lets the caller see, for the key of
 * a cached view of them (the student's week): two callers with the same value see the same marks. It is selected in
 * the query that checks access, so it costs no extra query.
 *
 * `family` for the student and their parents (they see every mark of the student). Anyone else gets a value of
 * their own: id, roles, admin scope, and a digest of their teaching assignments and led classes, the inputs of the
 * rule that no read_versions counter follows (lessons and marks are counted by the view's class and student
 * versions). Change it together with `gradeReadableSql`.
 */
export function gradeAudienceSql(p: Principal, studentExpr: string): SqlCondition {
  const family = [`${studentExpr} = :gaMe`];
  if (hasRole(p, Role.Parent)) {
    family.push(`EXISTS (SELECT 1 FROM parent_children gapc WHERE gapc.parent_id = :gaMe AND gapc.child_id = ${studentExpr})`);
  }
  const staff = `staff:${p.userId}:${[...p.roles].sort().join(',')}:${JSON.stringify(adminScope(p))}`;
  const teaching = hasRole(p, Role.Teacher, Role.ClassTeacher)
    ? ` || ':' || md5(COALESCE((SELECT string_agg(gata.class_id::text || '/' || gata.subject_id::text, ',' ORDER BY gata.class_id, gata.subject_id)
                                  FROM teacher_assignments gata WHERE gata.teacher_id = :gaMe), '')
                    || '|' || COALESCE((SELECT string_agg(gact.class_id::text, ',' ORDER BY gact.class_id)
                                          FROM class_teachers gact WHERE gact.teacher_id = :gaMe), ''))`
    : '';
  return {
    sql: `(CASE WHEN ${family.join(' OR ')} THEN 'family' ELSE CAST(:gaStaff AS text)${teaching} END)`,
    params: { gaMe: p.userId, gaStaff: staff },
  };
}
