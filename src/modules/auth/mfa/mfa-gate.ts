import { Injectable } from '@nestjs/common';
import { RegionSignInContext } from '../../settings/settings.service';
import { LoginCandidate } from '../../users/credentials.service';
import { LoginHistoryService } from '../login-history.service';
import { ClientInfo } from '../sessions.service';
import { MfaChallengeStore } from './mfa-challenge.store';
import { MfaErrors } from './mfa.errors';
import { MfaService } from './mfa.service';

/**
 * The step between a right password and the tokens (password sign-in only: Госуслуги is a second factor
 * of its own). An account with a factor gets MFA_REQUIRED with a challenge for POST /auth/login/mfa; an
 * account the policy requires a factor of, without one, gets MFA_ENROLMENT_REQUIRED with a challenge
 * that allows only enrolment and its confirmation. Both are written to the login history as `pending`.
 */
@Injectable()
export class MfaGate {
  constructor(
    private readonly mfa: MfaService,
    private readonly challenges: MfaChallengeStore,
    private readonly history: LoginHistoryService,
  ) {}

  /** Returns when no second factor is needed; otherwise throws the answer of the password step. */
  async afterPassword(user: LoginCandidate, region: RegionSignInContext, client: ClientInfo): Promise<void> {
    const enabled = await this.mfa.isEnabled(user.id);
    if (!enabled && !this.mfa.requiredFor(user.roles, region)) return;
    const challenge = await this.challenges.create({ userId: user.id, purpose: enabled ? 'verify' : 'enrol' });
    await this.history.record({
      userId: user.id,
      schoolId: user.schoolId,
      method: 'password',
      outcome: 'pending',
      reason: enabled ? 'mfa_required' : 'mfa_enrolment_required',
      client,
    });
    throw enabled ? MfaErrors.required(challenge) : MfaErrors.enrolmentRequired(challenge);
  }
}
