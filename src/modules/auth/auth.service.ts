import { Injectable } from '@nestjs/common';
import { EsiaLinksService } from '../esia-links/esia-links.service';
import { SettingsErrors } from '../settings/settings.errors';
import { SettingsService } from '../settings/settings.service';
import { SignInOptions } from '../settings/sign-in-options';
import { CredentialsService, LoginCandidate } from '../users/credentials.service';
import { UserViewsService } from '../users/user-views.service';
import { UserStatus } from '../users/entities/user.entity';
import { SecurityAlertsService } from './alerts/security-alerts.service';
import { AuthErrors } from './auth.errors';
import { LoginResultView, PasswordLoginResultView, TokenPairView } from './dto/auth.dto';
import { AuthMethod } from './entities/session.entity';
import { LoginHistoryService } from './login-history.service';
import { MfaGate } from './mfa/mfa-gate';
import { ClientInfo, SessionsService } from './sessions.service';
import { TokenService } from './token.service';

/** The account a session is opened for: what the token and the session need, read once by the caller. */
export type SignInAccount = Pick<LoginCandidate, 'id' | 'status' | 'roles' | 'schoolId' | 'regionId' | 'authVersion' | 'sessionEpoch'>;

export type CredentialCheck =
  | { ok: true; userId: string; account: SignInAccount }
  | { ok: false; reason: 'unknown_login' | 'invalid_password' | 'locked' | 'disabled'; userId: string | null; lockedUntil?: Date };

/** A diary password that passed (LocalStrategy): the first step of a password sign-in. */
export type PasswordChecked = Extract<CredentialCheck, { ok: true }>;

@Injectable()
export class AuthService {
  constructor(
    private readonly users: CredentialsService,
    private readonly userViews: UserViewsService,
    private readonly sessions: SessionsService,
    private readonly tokens: TokenService,
    private readonly history: LoginHistoryService,
    private readonly settings: SettingsService,
    private readonly esiaLinks: EsiaLinksService,
    private readonly mfaGate: MfaGate,
    private readonly alerts: SecurityAlertsService,
  ) {}

  /**
   * The first step of a password sign-in (strategies/local.strategy.ts; the per-IP rate limit ran before it,
   * as a guard): the password under the lockout rules. The failure count is left as it is: a second factor may still follow.
   */
  async checkPassword(login: string, password: string, client: ClientInfo): Promise<PasswordChecked> {
    const check = await this.checkCredentials(login, password, client, 'password', false);
    if (!check.ok) throw this.refusal(check);
    return check;
  }

  /**
   * Password sign-in, once the password was checked (checkPassword), under the region's policy (settings
   * module): after the transition period it is refused with PASSWORD_LOGIN_CLOSED (unless the staff
   * exception applies); during it, a user without an ESIA link gets `esiaLinkSuggested: true`. The policy is
   * applied only after the password was checked, so the answer tells nothing about an account to someone
   * without it. An account with a second factor (or one the region requires) answers MFA_REQUIRED /
   * MFA_ENROLMENT_REQUIRED instead of tokens (mfa/mfa-gate.ts); the failure count restarts only once the
   * sign-in is complete.
   */
  async login(checked: PasswordChecked, client: ClientInfo): Promise<PasswordLoginResultView> {
    const user = await this.users.findLoginCandidateById(checked.userId);
    if (!user) throw AuthErrors.invalidCredentials();
    const region = await this.settings.signInContext(user);
    await this.ensurePasswordOpen(user, region.options, client);
    await this.mfaGate.afterPassword(user, region, client);
    return this.completePasswordLogin(
      user,
      client,
      region.options.staffException ? 'password_ok_staff_exception' : 'password_ok',
      region.options,
    );
  }

  /**
   * The end of a password sign-in (straight after the password, or after its second step): the failure
   * count restarts, the session opens, and `esiaLinkSuggested` is worked out.
   */
  async completePasswordLogin(
    user: LoginCandidate,
    client: ClientInfo,
    reason: string,
    options?: SignInOptions,
  ): Promise<PasswordLoginResultView> {
    if (!options) {
      options = (await this.settings.signInContext(user)).options;
      await this.ensurePasswordOpen(user, options, client);
    }
    await this.users.registerSuccessfulLogin(user.id);
    const result = await this.signIn(user.id, 'password', client, reason);
    const esiaLinkSuggested = options.suggestLink && !(await this.esiaLinks.hasActiveLink(user.id));
    return { ...result, esiaLinkSuggested };
  }

  private async ensurePasswordOpen(user: LoginCandidate, options: SignInOptions, client: ClientInfo): Promise<void> {
    if (options.password) return;
    await this.history.record({
      userId: user.id,
      schoolId: user.schoolId,
      method: 'password',
      outcome: 'failure',
      reason: 'PASSWORD_LOGIN_CLOSED',
      client,
    });
    throw SettingsErrors.passwordLoginClosed();
  }

  /**
   * Checks a diary login and password with the lockout rules and writes the attempt to the
   * history. A locked account is refused without looking at the password, so the answer
   * does not tell whether the password was right. `resetFailures: false` leaves the failure count
   * to the caller (a second factor may still follow).
   */
  async checkCredentials(
    login: string,
    password: string,
    client: ClientInfo,
    method: AuthMethod = 'password',
    resetFailures = true,
  ): Promise<CredentialCheck> {
    const user = await this.users.findLoginCandidate(login);
    const record = (outcome: 'success' | 'failure', reason: string) =>
      this.history.record({ userId: user?.id ?? null, schoolId: user?.schoolId ?? null, method, outcome, reason, client });

    if (!user) {
      await this.users.verifyPassword(password, null); // same bcrypt cost as a real check
      await record('failure', 'unknown_login');
      return { ok: false, reason: 'unknown_login', userId: null };
    }
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      await record('failure', 'locked');
      return { ok: false, reason: 'locked', userId: user.id, lockedUntil: user.lockedUntil };
    }
    if (!(await this.users.verifyPassword(password, user.passwordHash))) {
      const lockedUntil = await this.alerts.registerFailure(user);
      await record('failure', lockedUntil ? 'invalid_password_locked' : 'invalid_password');
      return lockedUntil
        ? { ok: false, reason: 'locked', userId: user.id, lockedUntil }
        : { ok: false, reason: 'invalid_password', userId: user.id };
    }
    if (user.status !== UserStatus.Active) {
      await record('failure', 'disabled');
      return { ok: false, reason: 'disabled', userId: user.id };
    }
    if (resetFailures) await this.users.registerSuccessfulLogin(user.id);
    const { id, status, roles, schoolId, regionId, authVersion, sessionEpoch } = user;
    return { ok: true, userId: user.id, account: { id, status, roles, schoolId, regionId, authVersion, sessionEpoch } };
  }

  refusal(check: Extract<CredentialCheck, { ok: false }>): Error {
    switch (check.reason) {
      case 'locked':
        return AuthErrors.accountLocked(check.lockedUntil!);
      case 'disabled':
        return AuthErrors.accountDisabled();
      default:
        return AuthErrors.invalidCredentials();
    }
  }

  /** Opens a session for an authenticated user, records the success, and returns the token pair. */
  async signIn(userId: string, method: AuthMethod, client: ClientInfo, reason: string): Promise<LoginResultView> {
    const user = await this.users.findLoginCandidateById(userId);
    if (!user) throw AuthErrors.invalidCredentials();
    return this.signInAs(user, method, client, reason);
  }

  /** {@link signIn} for an account the caller has just read (the ESIA sign-in reads it once, checks it, then signs in). */
  async signInAs(user: SignInAccount, method: AuthMethod, client: ClientInfo, reason: string): Promise<LoginResultView> {
    const { sessionId, refreshToken } = await this.sessions.open(user.id, method, client, user.sessionEpoch);
    await this.alerts.recordSignIn(user, method, reason, client, sessionId); // the history row (+ a new-device alert)
    return {
      accessToken: this.tokens.signAccess(user, sessionId),
      refreshToken,
      expiresIn: this.tokens.accessTtlSec,
      user: await this.userViews.me(user.id),
    };
  }

  async refresh(refreshToken: string): Promise<TokenPairView> {
    const rotated = await this.sessions.rotate(refreshToken);
    const user = await this.users.findLoginCandidateById(rotated.userId);
    if (!user || user.status !== UserStatus.Active) {
      await this.sessions.revoke(rotated.sessionId, 'account_disabled');
      throw AuthErrors.accountDisabled();
    }
    if (user.sessionEpoch > rotated.epoch) {
      // every session ended (password, block) between the rotation and this read
      await this.sessions.revoke(rotated.sessionId, 'sessions_ended');
      throw AuthErrors.sessionRevoked();
    }
    return {
      accessToken: this.tokens.signAccess(user, rotated.sessionId),
      refreshToken: rotated.refreshToken,
      expiresIn: this.tokens.accessTtlSec,
    };
  }

  /** Logs out the session the refresh token belongs to. Unknown tokens are ignored (nothing to end). */
  async logout(refreshToken: string): Promise<void> {
    const [sessionId] = refreshToken.split('.');
    try {
      await this.sessions.rotate(refreshToken); // proves possession of the current token
      await this.sessions.revoke(sessionId, 'logout');
    } catch {
      // an already ended or foreign session: logging out is still a success for the client
    }
  }
}
