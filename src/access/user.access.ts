import { Principal } from '../common/auth/principal';
import { adminScope, scopeAllowsSchool, scopeSql } from './school.access';
import { SqlCondition } from './sql-condition';

/**
 * User administration (create, list, change, block, link children, reset a second factor). Parameters: `scope…`.
 * An admin manages the users of the schools in their scope (school.access.ts `adminScope`); a region admin also the
 * region's users placed in no school (other region admins). Nobody else manages accounts; everyone manages their
 * own password and second factor (auth).
 * users.service spells the same condition inline (`list`, `userInScope`); these are the rule it must match.
 */
export function userAdministeredSql(p: Principal, userAlias: string, schoolAlias: string): SqlCondition {
  const scope = adminScope(p);
  const s = scopeSql(scope, schoolAlias);
  return { sql: scope.kind === 'region' ? `(${s.sql} OR ${userAlias}.region_id = :scopeRegionId)` : s.sql, params: s.params };
}

/** The same rule on a loaded user (its school with region, or its own region when placed in no school). */
export function userAdministeredBy(
  p: Principal,
  user: { school: { id: string; regionId: string } | null; regionId: string | null },
): boolean {
  const scope = adminScope(p);
  if (scope.kind === 'all') return true;
  return user.school ? scopeAllowsSchool(scope, user.school) : scope.kind === 'region' && user.regionId === scope.regionId;
}
