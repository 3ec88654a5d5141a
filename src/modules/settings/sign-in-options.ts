import { Role, STAFF_ROLES } from '../../common/auth/role';

/** A region's sign-in policy (docs/domain.md §3 "Which way is open"); a region without settings has ESIA off. */
export interface RegionAuthPolicy {
  esiaEnabled: boolean;
  /** The transition starts here; null = it has started already. */
  transitionStartsAt: Date | null;
  /** Password login closes here; null = the transition has no end yet. */
  transitionEndsAt: Date | null;
  /** After the end, staff accounts keep password login. */
  staffPasswordLogin: boolean;
}

/**
 * Where a region stands at a moment:
 * - `esia_off`: ESIA is off (or the user belongs to no region): password only;
 * - `before_transition`: ESIA is switched on but its start lies ahead: password only, ESIA not yet;
 * - `transition`: both ways; a password login of a user without a link suggests linking;
 * - `esia_only`: after the end: ESIA only (staff keep the password when `staffPasswordLogin`).
 */
export type AuthPhase = 'esia_off' | 'before_transition' | 'transition' | 'esia_only';

export interface SignInOptions {
  phase: AuthPhase;
  password: boolean;
  esia: boolean;
  /** Answer `esiaLinkSuggested: true` after a password login of a user without a link. */
  suggestLink: boolean;
  /** Password login is open only because of the staff exception. */
  staffException: boolean;
}

export const DEFAULT_REGION_AUTH_POLICY: RegionAuthPolicy = Object.freeze({
  esiaEnabled: false,
  transitionStartsAt: null,
  transitionEndsAt: null,
  staffPasswordLogin: false,
});

export const isStaff = (roles: readonly Role[]): boolean => roles.some((r) => STAFF_ROLES.includes(r));

export function authPhase(policy: RegionAuthPolicy | null, now: Date): AuthPhase {
  if (!policy || !policy.esiaEnabled) return 'esia_off';
  const t = now.getTime();
  if (policy.transitionStartsAt && t < policy.transitionStartsAt.getTime()) return 'before_transition';
  if (policy.transitionEndsAt && t >= policy.transitionEndsAt.getTime()) return 'esia_only';
  return 'transition';
}

/** Which sign-in ways are open for a user (their region's policy and roles) at `now`. Pure. */
export function signInOptions(policy: RegionAuthPolicy | null, roles: readonly Role[], now: Date): SignInOptions {
  const phase = authPhase(policy, now);
  switch (phase) {
    case 'esia_off':
    case 'before_transition':
      return { phase, password: true, esia: false, suggestLink: false, staffException: false };
    case 'transition':
      return { phase, password: true, esia: true, suggestLink: true, staffException: false };
    case 'esia_only': {
      const staffException = !!policy?.staffPasswordLogin && isStaff(roles);
      return { phase, password: staffException, esia: true, suggestLink: false, staffException };
    }
  }
}
