import { ALL_ROLES, Role, SCHOOL_ROLES } from '../common/auth/role';
import { assignableRoles } from './user.access';

describe('assignableRoles', () => {
  it('a platform admin hands out every role', () => {
    expect(assignableRoles({ kind: 'all' })).toEqual(ALL_ROLES);
  });

  it('a region admin hands out every role but platform_admin', () => {
    const roles = assignableRoles({ kind: 'region', regionId: 'r' });
    expect(roles).toContain(Role.RegionAdmin);
    expect(roles).not.toContain(Role.PlatformAdmin);
    expect(roles).toHaveLength(ALL_ROLES.length - 1);
  });

  it('a school admin hands out the school roles only', () => {
    expect(assignableRoles({ kind: 'school', schoolId: 's' })).toEqual(SCHOOL_ROLES);
    expect(SCHOOL_ROLES).not.toContain(Role.RegionAdmin);
    expect(SCHOOL_ROLES).not.toContain(Role.PlatformAdmin);
  });

  it('anyone else hands out nothing', () => {
    expect(assignableRoles({ kind: 'none' })).toEqual([]);
  });
});
