import { Role } from '../../../common/auth/role';
import { mfaAvailableFor, mfaRequiredFor } from './mfa-policy';

describe('mfa policy', () => {
  it('is available to staff only', () => {
    for (const r of [Role.Teacher, Role.ClassTeacher, Role.SchoolAdmin, Role.RegionAdmin, Role.PlatformAdmin])
      expect(mfaAvailableFor([r])).toBe(true);
    expect(mfaAvailableFor([Role.Student])).toBe(false);
    expect(mfaAvailableFor([Role.Parent])).toBe(false);
    expect(mfaAvailableFor([Role.Parent, Role.Teacher])).toBe(true);
  });

  it.each<[string, Role[], boolean, boolean, boolean]>([
    ['school admin, region requires', [Role.SchoolAdmin], true, false, true],
    ['region admin, region requires', [Role.RegionAdmin], true, false, true],
    ['school admin who also teaches', [Role.Teacher, Role.SchoolAdmin], true, false, true],
    ['school admin, region does not require', [Role.SchoolAdmin], false, true, false],
    ['teacher, region requires admins only', [Role.Teacher, Role.ClassTeacher], true, true, false],
    ['parent', [Role.Parent], true, true, false],
    ['platform admin, config requires', [Role.PlatformAdmin], false, true, true],
    ['platform admin, config does not (regions do not cover them)', [Role.PlatformAdmin], true, false, false],
  ])('%s', (_name, roles, regionRequiresAdmins, platformAdminsRequired, expected) => {
    expect(mfaRequiredFor(roles, { regionRequiresAdmins, platformAdminsRequired })).toBe(expected);
  });
});
