import { Role } from '../../../common/auth/role';
import { isStaff } from '../../settings/sign-in-options';

/**
 * Who may and who must sign in with a second factor (docs/security.md "Two-factor sign-in and alerts").
 * - Staff (teachers, class teachers, school, region and platform admins) may enrol; students and parents
 *   sign in with the password or Госуслуги only.
 * - School and region admins must, when their region's `adminMfaRequired` is on.
 * - Platform admins belong to no region: they must when MFA_REQUIRED_FOR_PLATFORM_ADMINS is on.
 */
export const mfaAvailableFor = (roles: readonly Role[]): boolean => isStaff(roles);

export interface MfaRequirementContext {
  /** The user's region has `adminMfaRequired` on. */
  regionRequiresAdmins: boolean;
  /** MFA_REQUIRED_FOR_PLATFORM_ADMINS. */
  platformAdminsRequired: boolean;
}

export function mfaRequiredFor(roles: readonly Role[], ctx: MfaRequirementContext): boolean {
  if (ctx.platformAdminsRequired && roles.includes(Role.PlatformAdmin)) return true;
  return ctx.regionRequiresAdmins && (roles.includes(Role.SchoolAdmin) || roles.includes(Role.RegionAdmin));
}
