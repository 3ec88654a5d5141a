import { Injectable } from '@nestjs/common';
import { UserStatus } from '../../users/entities/user.entity';
import { CredentialsService, LoginCandidate } from '../../users/credentials.service';
import { SecurityAlertsService } from '../alerts/security-alerts.service';
import { AuthErrors } from '../auth.errors';
import { AuthService } from '../auth.service';
import { PasswordLoginResultView } from '../dto/auth.dto';
import { LoginHistoryService } from '../login-history.service';
import { ClientInfo } from '../sessions.service';
import { MfaEnrolledLoginView, MfaLoginDto, TotpEnrolmentView } from './dto/mfa.dto';
import { ChallengePurpose, MfaChallengeStore } from './mfa-challenge.store';
import { MfaErrors } from './mfa.errors';
import { MfaService } from './mfa.service';

/**
 * The second step of a password sign-in (after MfaGate's challenge): a TOTP or recovery code, or, for
 * an admin the region requires a factor of, enrolment and its confirmation. Each ends in the same token
 * pair as a password sign-in. Every try spends one of the challenge's attempts; a wrong code also counts
 * towards the account lockout, like a wrong password.
 */
@Injectable()
export class MfaSignInService {
  constructor(
    private readonly auth: AuthService,
    private readonly mfa: MfaService,
    private readonly challenges: MfaChallengeStore,
    private readonly users: CredentialsService,
    private readonly alerts: SecurityAlertsService,
    private readonly history: LoginHistoryService,
  ) {}

  /** POST /auth/login/mfa. */
  async withCode(dto: MfaLoginDto, client: ClientInfo): Promise<PasswordLoginResultView> {
    const { user, attemptsLeft } = await this.take(dto.challenge, 'verify', client);
    const proof = dto.code !== undefined ? { code: dto.code } : { recoveryCode: dto.recoveryCode };
    const result = await this.mfa.verifyForSignIn(user.id, proof);
    if (result === 'not_enabled') return this.refuse(dto.challenge, user, 'mfa_not_enabled', client, MfaErrors.challengeInvalid()); // reset meanwhile
    if (result === 'invalid' || result === 'reused') {
      const lockedUntil = await this.alerts.registerFailure(user);
      const reason = lockedUntil
        ? 'mfa_failed_locked'
        : result === 'reused'
          ? 'mfa_code_reused'
          : dto.code !== undefined
            ? 'mfa_failed'
            : 'recovery_code_invalid';
      if (lockedUntil) return this.refuse(dto.challenge, user, reason, client, AuthErrors.accountLocked(lockedUntil));
      await this.record(user, 'failure', reason, client);
      if (attemptsLeft === 0) await this.challenges.end(dto.challenge);
      throw result === 'reused' ? MfaErrors.codeReused(attemptsLeft) : MfaErrors.codeInvalid(attemptsLeft);
    }
    // One challenge, one sign-in: of two concurrent successes only the one that ends it gets tokens.
    if (!(await this.challenges.end(dto.challenge))) throw MfaErrors.challengeInvalid();
    return this.auth.completePasswordLogin(user, client, result === 'recovery_code' ? 'recovery_code_used' : 'mfa_ok');
  }

  /** POST /auth/login/mfa/enrol: the secret and QR code for an enrolment challenge (spends no attempt). */
  async startEnrolment(challenge: string, client: ClientInfo): Promise<TotpEnrolmentView> {
    const c = await this.challenges.peek(challenge);
    if (!c || c.purpose !== 'enrol') throw MfaErrors.challengeInvalid();
    const user = await this.activeUser(challenge, c.userId, client);
    return this.mfa.startEnrolment(user.id);
  }

  /** POST /auth/login/mfa/enrol/confirm: the first code puts the factor in force and signs in. */
  async confirmEnrolment(challenge: string, code: string, client: ClientInfo): Promise<MfaEnrolledLoginView> {
    const { user, attemptsLeft } = await this.take(challenge, 'enrol', client);
    const recoveryCodes = await this.mfa.confirmEnrolment(user.id, code);
    if (!recoveryCodes) {
      await this.record(user, 'failure', 'mfa_enrolment_failed', client);
      if (attemptsLeft === 0) await this.challenges.end(challenge);
      throw MfaErrors.codeInvalid(attemptsLeft);
    }
    await this.challenges.end(challenge);
    const result = await this.auth.completePasswordLogin(user, client, 'mfa_enrolled');
    return { ...result, recoveryCodes };
  }

  /** Spends an attempt of a challenge of this purpose, for an account that may still sign in. */
  private async take(
    token: string,
    purpose: ChallengePurpose,
    client: ClientInfo,
  ): Promise<{ user: LoginCandidate; attemptsLeft: number }> {
    const taken = await this.challenges.attempt(token);
    if (!taken || taken.challenge.purpose !== purpose) {
      await this.history.record({
        userId: taken?.challenge.userId ?? null,
        schoolId: null,
        method: 'password',
        outcome: 'failure',
        reason: 'mfa_challenge_invalid',
        client,
      });
      throw MfaErrors.challengeInvalid();
    }
    return { user: await this.activeUser(token, taken.challenge.userId, client), attemptsLeft: taken.attemptsLeft };
  }

  /** The challenge's account, still active and not locked (someone may have locked it meanwhile); else the challenge ends. */
  private async activeUser(token: string, userId: string, client: ClientInfo): Promise<LoginCandidate> {
    const user = await this.users.findLoginCandidateById(userId);
    if (!user || user.status !== UserStatus.Active) {
      await this.challenges.end(token);
      if (user) await this.record(user, 'failure', 'disabled', client);
      throw AuthErrors.accountDisabled();
    }
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now())
      return this.refuse(token, user, 'locked', client, AuthErrors.accountLocked(user.lockedUntil));
    return user;
  }

  private async refuse(token: string, user: LoginCandidate, reason: string, client: ClientInfo, error: Error): Promise<never> {
    await this.challenges.end(token);
    await this.record(user, 'failure', reason, client);
    throw error;
  }

  private record(user: LoginCandidate, outcome: 'failure', reason: string, client: ClientInfo): Promise<void> {
    return this.history.record({ userId: user.id, schoolId: user.schoolId, method: 'password', outcome, reason, client });
  }
}
