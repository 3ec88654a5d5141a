import { hasRole, Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';

/**
 * Which schools an administrator manages: everything (platform admin), one region (region admin)
 * or one school (school admin). Anything outside reads as "not found".
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
