import { ALL_ROLES, Role } from '../../common/auth/role';
import { SchoolScope } from '../../access';

/** Roles of people who belong to a school: a user with one of them needs a school (docs/domain.md §1). */
export const SCHOOL_ROLES: readonly Role[] = [Role.Student, Role.Parent, Role.Teacher, Role.ClassTeacher, Role.SchoolAdmin];

/** Roles each kind of administrator may hand out: only those of their own level (docs/domain.md §1). */
export function assignableRoles(scope: SchoolScope): readonly Role[] {
  switch (scope.kind) {
    case 'all':
      return ALL_ROLES;
    case 'region':
      return ALL_ROLES.filter((r) => r !== Role.PlatformAdmin);
    case 'school':
      return SCHOOL_ROLES;
    default:
      return [];
  }
}
