import { hasRole, Principal } from '../common/auth/principal';
import { Role } from '../common/auth/role';
import { SqlCondition } from './sql-condition';

/**
 * Schools: which schools an administrator manages, and who may read a school's settings.
 * Parameters: `scope…`, `polAdminSchool`, `gpMySchool`.
 *
 * An administrator manages everything (platform admin), one region (region admin) or one school (school admin).
 * Anything outside reads as "not found". The same scope decides which users an admin manages (their school's, and
 * for a region admin also the region's users without a school: users.service), which classes, subjects, sign-in
 * history, ESIA links, MFA audit and portal deliveries they see.
 */
export type SchoolScope = { kind: 'all' } | { kind: 'region'; regionId: string } | { kind: 'school'; schoolId: string } | { kind: 'none' };

export function adminScope(p: Principal): SchoolScope {
  if (hasRole(p, Role.PlatformAdmin)) return { kind: 'all' };
  if (hasRole(p, Role.RegionAdmin) && p.regionId) return { kind: 'region', regionId: p.regionId };
  if (hasRole(p, Role.SchoolAdmin) && p.schoolId) return { kind: 'school', schoolId: p.schoolId };
  return { kind: 'none' };
}

export function scopeAllowsSchool(scope: SchoolScope, school: { id: string; regionId: string }): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'region':
      return school.regionId === scope.regionId;
    case 'school':
      return school.id === scope.schoolId;
    default:
      return false;
  }
}

/** SQL condition on a schools alias; parameters are named to avoid clashes. */
export function scopeSql(scope: SchoolScope, schoolAlias: string): { sql: string; params: Record<string, string> } {
  switch (scope.kind) {
    case 'all':
      return { sql: 'TRUE', params: {} };
    case 'region':
      return { sql: `${schoolAlias}.region_id = :scopeRegionId`, params: { scopeRegionId: scope.regionId } };
    case 'school':
      return { sql: `${schoolAlias}.id = :scopeSchoolId`, params: { scopeSchoolId: scope.schoolId } };
    default:
      return { sql: 'FALSE', params: {} };
  }
}

/**
 * The same scope with one positional parameter (`$n`), for repositories that write positional SQL: the school id
 * expression is in the caller's scope (portal deliveries). `value` is null when the condition needs no parameter.
 */
export function schoolAdminPositionalSql(p: Principal, schoolIdExpr: string, param: number): { sql: string; value: string | null } {
  const scope = adminScope(p);
  switch (scope.kind) {
    case 'all':
      return { sql: 'TRUE', value: null };
    case 'region':
      return { sql: `${schoolIdExpr} IN (SELECT id FROM schools WHERE region_id = $${param})`, value: scope.regionId };
    case 'school':
      return { sql: `${schoolIdExpr} = $${param}`, value: scope.schoolId };
    default:
      return { sql: 'FALSE', value: null };
  }
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

/** Members of the school (any role placed in it) and its admins may read its grading settings and periods. */
export function schoolReadableSql(p: Principal, schoolExpr: string): SqlCondition {
  const admin = schoolAdminSql(p, schoolExpr);
  return {
    sql: `(${schoolExpr} = :gpMySchool OR ${admin.sql})`,
    params: { gpMySchool: p.schoolId ?? '00000000-0000-0000-0000-000000000000', ...admin.params },
  };
}
