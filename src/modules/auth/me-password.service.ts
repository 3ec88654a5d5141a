import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { EsiaLinksService } from '../esia-links/esia-links.service';
import { UserStatus } from '../users/entities/user.entity';
import { CredentialsService, ensureGoodPassword, LoginCandidate } from '../users/credentials.service';
import { SecurityAlertsService } from './alerts/security-alerts.service';
import { AuthErrors } from './auth.errors';
import { TokenPairView } from './dto/auth.dto';
import { AuthMethod } from './entities/session.entity';
import { LoginHistoryService } from './login-history.service';
import { ClientInfo, SessionsService } from './sessions.service';
import { TokenService } from './token.service';

/** A session opened through Госуслуги this recently may set a new password without the old one (forgotten password). */
export const ESIA_PASSWORD_WINDOW_MINUTES = 10;

/**
 * POST /me/password: the signed-in user sets a new diary password (docs/security.md, "Sessions and access changes").
 * Proof of identity: the current password (a wrong one counts towards the lockout like a failed sign-in), or a
 * session opened through Госуслуги in the last ESIA_PASSWORD_WINDOW_MINUTES. Every OTHER session of the user ends
 * (the new password moves the session epoch); the calling session is moved to the new epoch in the same transaction
 * and gets a fresh token pair, its old refresh token is spent like after a refresh.
 */
@Injectable()
export class MePasswordService {
  constructor(
    private readonly users: CredentialsService,
    private readonly sessions: SessionsService,
    private readonly tokens: TokenService,
    private readonly history: LoginHistoryService,
    private readonly esiaLinks: EsiaLinksService,
    private readonly alerts: SecurityAlertsService,
  ) {}

  async change(p: Principal, currentPassword: string | undefined, newPassword: string, client: ClientInfo): Promise<TokenPairView> {
    const [session, user] = await Promise.all([this.sessions.findLive(p.sessionId), this.users.findLoginCandidateById(p.userId)]);
    if (!session || !user) throw AuthErrors.sessionRevoked();
    if (user.status !== UserStatus.Active) throw AuthErrors.accountDisabled();
    ensureGoodPassword(newPassword, user.login, 'newPassword');
    const method = await this.proveIdentity(user, session, currentPassword, client);

    const { change, result: refreshToken } = await this.users.changeOwnPassword(user.id, newPassword, (tx, c) =>
      this.sessions.moveToEpoch(tx, p.sessionId, c.sessionEpoch),
    );
    await this.history.record({
      userId: user.id,
      schoolId: change.schoolId,
      method,
      outcome: 'success',
      reason: 'password_changed',
      client,
    });
    return {
      accessToken: this.tokens.signAccess({ id: user.id, ...change }, p.sessionId),
      refreshToken,
      expiresIn: this.tokens.accessTtlSec,
    };
  }

  /** How the user proved it is them: the current password, or a fresh Госуслуги sign-in. Throws otherwise. */
  private async proveIdentity(
    user: LoginCandidate,
    session: { method: AuthMethod; createdAt: Date },
    currentPassword: string | undefined,
    client: ClientInfo,
  ): Promise<AuthMethod> {
    if (currentPassword === undefined) {
      const recentEsia = session.method === 'esia' && Date.now() - session.createdAt.getTime() <= ESIA_PASSWORD_WINDOW_MINUTES * 60_000;
      if (!recentEsia) throw AuthErrors.currentPasswordRequired(ESIA_PASSWORD_WINDOW_MINUTES);
      return 'esia';
    }
    const failure = (reason: string) =>
      this.history.record({ userId: user.id, schoolId: user.schoolId, method: 'password', outcome: 'failure', reason, client });
    // Like sign-in: a locked account is refused before the password is looked at.
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      await failure('password_change_locked');
      throw AuthErrors.accountLocked(user.lockedUntil);
    }
    if (await this.users.verifyPassword(currentPassword, user.passwordHash)) return 'password';
    const lockedUntil = await this.alerts.registerFailure(user); // the lockout, and its alert when it locks now
    await failure(lockedUntil ? 'password_change_wrong_current_locked' : 'password_change_wrong_current');
    if (lockedUntil) throw AuthErrors.accountLocked(lockedUntil);
    throw AuthErrors.currentPasswordInvalid(await this.esiaLinks.hasActiveLink(user.id), ESIA_PASSWORD_WINDOW_MINUTES);
  }
}
