import { Inject, Injectable, Logger } from '@nestjs/common';
import { pageCursor } from '../../../common/pagination/cursor';
import * as QRCode from 'qrcode';
import { Principal } from '../../../common/auth/principal';
import { Role } from '../../../common/auth/role';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { PiiCryptoService } from '../../../core/crypto/pii-crypto.service';
import { adminScope } from '../../../access';
import { SettingsService } from '../../settings/settings.service';
import { AdminUsersService } from '../../users/admin-users.service';
import { CredentialsService, LoginCandidate } from '../../users/credentials.service';
import { UserRolesService } from '../../users/user-roles.service';
import { UserViewsService } from '../../users/user-views.service';
import { SecurityAlertsService } from '../alerts/security-alerts.service';
import { AuthErrors } from '../auth.errors';
import { SessionsService } from '../sessions.service';
import { MfaAuditPageView, MfaStatusView, TotpEnrolmentView } from './dto/mfa.dto';
import { MfaErrors } from './mfa.errors';
import { mfaAvailableFor, mfaRequiredFor } from './mfa-policy';
import { MfaRepository } from './mfa.repository';
import { newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes';
import { checkTotp, newTotpSecret, TOTP_ISSUER, totpUri } from './totp';

/** The TOTP secret is bound to its user: a blob copied to another row does not decrypt. */
const secretAad = (userId: string): string => `user_mfa.secret:${userId}`;

/** What a sign-in proof turned out to be. */
export type FactorCheck = 'totp' | 'recovery_code' | 'invalid' | 'reused' | 'not_enabled';

/** A proof of presence on the signed-in routes: a current code, or the diary password. */
export interface Reauth {
  code?: string;
  password?: string;
}

/**
 * The second factor (TOTP, RFC 6238) of staff accounts: enrolment and confirmation, recovery codes,
 * switching it off, the admin reset, and the checks the two-step sign-in makes. The only writer of
 * user_mfa, mfa_recovery_codes and mfa_audit (docs/security.md "Two-factor sign-in and alerts").
 */
@Injectable()
export class MfaService {
  private readonly logger = new Logger('Mfa');

  constructor(
    private readonly repo: MfaRepository,
    private readonly pii: PiiCryptoService,
    private readonly users: CredentialsService,
    private readonly userViews: UserViewsService,
    private readonly adminUsers: AdminUsersService,
    private readonly userRoles: UserRolesService,
    private readonly settings: SettingsService,
    private readonly sessions: SessionsService,
    private readonly alerts: SecurityAlertsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- policy ----------------------------------------------------------------------------------

  /** Whether the account must use a second factor, given its region's setting. */
  requiredFor(roles: Role[], region: { adminMfaRequired: boolean }): boolean {
    return mfaRequiredFor(roles, {
      regionRequiresAdmins: region.adminMfaRequired,
      platformAdminsRequired: this.config.mfaRequiredForPlatformAdmins,
    });
  }

  private async required(user: { roles: Role[]; regionId: string | null }): Promise<boolean> {
    return this.requiredFor(user.roles, await this.settings.signInContext(user));
  }

  isEnabled(userId: string): Promise<boolean> {
    return this.repo.isConfirmed(userId);
  }

  // ---- the user's own factor -------------------------------------------------------------------

  async status(userId: string): Promise<MfaStatusView> {
    const user = await this.account(userId);
    const [state, required] = await Promise.all([this.repo.state(userId), this.required(user)]);
    return {
      enabled: !!state?.confirmed_at,
      pending: !!state?.pending,
      enabledAt: state?.confirmed_at?.toISOString() ?? null,
      recoveryCodesLeft: state?.confirmed_at ? state.recovery_codes_left : 0,
      available: mfaAvailableFor(user.roles),
      required,
    };
  }

  /** A new secret (restarting an unconfirmed enrolment), its otpauth URI and QR code. Staff only. */
  async startEnrolment(userId: string): Promise<TotpEnrolmentView> {
    const me = await this.userViews.me(userId);
    if (!mfaAvailableFor(me.roles)) throw MfaErrors.notAvailable();
    const secret = newTotpSecret();
    if (!(await this.repo.startEnrolment(userId, this.pii.encrypt(secret, secretAad(userId))))) throw MfaErrors.alreadyEnabled();
    const otpauthUri = totpUri(secret, me.login);
    const svg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
    return {
      secret,
      otpauthUri,
      qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
      issuer: TOTP_ISSUER,
      account: me.login,
    };
  }

  /**
   * Confirms the pending enrolment with a code from the app: the factor is in force from now on, and ten
   * new recovery codes are returned (the only time they are shown). null: the code does not match.
   */
  async confirmEnrolment(userId: string, code: string): Promise<string[] | null> {
    const row = await this.repo.find(userId);
    if (!row) throw MfaErrors.enrolmentNotStarted();
    if (row.confirmed_at) throw MfaErrors.alreadyEnabled();
    const check = checkTotp(this.secretOf(userId, row.secret_encrypted), code, null, Date.now());
    if (!check.ok) return null;
    const user = await this.account(userId);
    const codes = newRecoveryCodes();
    await this.repo.transaction(async (tx) => {
      if (!(await this.repo.confirm(tx, userId, check.step))) throw MfaErrors.alreadyEnabled(); // a concurrent confirmation won
      await this.repo.replaceRecoveryCodes(
        tx,
        userId,
        codes.map((c) => this.recoveryHash(userId, c)),
      );
      await this.repo.audit(tx, { userId, actorId: userId, schoolId: user.schoolId, regionId: user.regionId, action: 'enabled' });
    });
    this.logger.log({ userId }, 'Second factor enabled');
    return codes;
  }

  /** Switches the own factor off, with a current code or the password; not where the region requires it. */
  async disable(p: Principal, proof: Reauth): Promise<void> {
    const user = await this.loginCandidate(p.userId);
    if (!(await this.repo.isConfirmed(user.id))) throw MfaErrors.notEnabled();
    if (await this.required(user)) throw MfaErrors.requiredByPolicy();
    await this.reauth(user, proof);
    await this.repo.transaction(async (tx) => {
      await this.repo.remove(tx, user.id);
      await this.repo.audit(tx, {
        userId: user.id,
        actorId: user.id,
        schoolId: user.schoolId,
        regionId: user.regionId,
        action: 'disabled',
      });
    });
    this.logger.log({ userId: user.id }, 'Second factor disabled by the user');
  }

  /** Ten new recovery codes (the old ones stop working), with a current code or the password. */
  async regenerateRecoveryCodes(p: Principal, proof: Reauth): Promise<string[]> {
    const user = await this.loginCandidate(p.userId);
    if (!(await this.repo.isConfirmed(user.id))) throw MfaErrors.notEnabled();
    await this.reauth(user, proof);
    const codes = newRecoveryCodes();
    await this.repo.transaction(async (tx) => {
      await this.repo.replaceRecoveryCodes(
        tx,
        user.id,
        codes.map((c) => this.recoveryHash(user.id, c)),
      );
      await this.repo.audit(tx, {
        userId: user.id,
        actorId: user.id,
        schoolId: user.schoolId,
        regionId: user.regionId,
        action: 'recovery_codes_regenerated',
      });
    });
    return codes;
  }

  // ---- sign-in ---------------------------------------------------------------------------------

  /** Checks a TOTP code (spending its time step) or a recovery code (spending it) of a confirmed factor. */
  async verifyForSignIn(userId: string, proof: { code?: string; recoveryCode?: string }): Promise<FactorCheck> {
    if (proof.code !== undefined) return this.verifyTotp(userId, proof.code);
    if (!(await this.repo.isConfirmed(userId))) return 'not_enabled';
    const code = normalizeRecoveryCode(proof.recoveryCode ?? '');
    if (!code) return 'invalid';
    return (await this.repo.useRecoveryCode(userId, this.recoveryHash(userId, code))) ? 'recovery_code' : 'invalid';
  }

  private async verifyTotp(userId: string, code: string): Promise<FactorCheck> {
    const row = await this.repo.find(userId);
    if (!row?.confirmed_at) return 'not_enabled';
    const last = row.last_used_step === null ? null : Number(row.last_used_step);
    const check = checkTotp(this.secretOf(userId, row.secret_encrypted), code, last, Date.now());
    if (!check.ok) return check.reason;
    return (await this.repo.useStep(userId, check.step)) ? 'totp' : 'reused';
  }

  // ---- administration --------------------------------------------------------------------------

  /**
   * An admin removes a user's second factor (404 outside the admin's scope, as every admin route): the
   * factor and its recovery codes go, an audit record and the user's alert are written in the same
   * transaction, and every session of the user ends. Where the region requires a factor, the user
   * enrols again at the next password sign-in.
   */
  async adminReset(p: Principal, userId: string): Promise<void> {
    const target = await this.adminUsers.userInScope(p, userId);
    await this.repo.transaction(async (tx) => {
      if (!(await this.repo.remove(tx, target.id))) throw MfaErrors.notEnabled();
      const auditId = await this.repo.audit(tx, {
        userId: target.id,
        actorId: p.userId,
        schoolId: target.schoolId,
        regionId: target.regionId,
        action: 'admin_reset',
      });
      await this.alerts.mfaReset(tx, target, p.userId, auditId);
    });
    const ended = await this.sessions.revokeAllForUser(target.id, 'mfa_reset');
    this.logger.log({ userId: target.id, by: p.userId, endedSessions: ended }, 'Second factor reset by an admin');
  }

  /** Who changed whose factor and when, for the users in the admin's scope. */
  async auditLog(p: Principal, q: { limit: number; before?: string; userId?: string }): Promise<MfaAuditPageView> {
    const rows = await this.repo.auditForScope(adminScope(p), { userId: q.userId, before: pageCursor(q) }, q.limit + 1);
    const items = rows.slice(0, q.limit).map((r) => ({
      id: String(r.id),
      at: new Date(r.at).toISOString(),
      userId: r.user_id,
      actorId: r.actor_id,
      schoolId: r.school_id,
      action: r.action,
    }));
    return { items, nextCursor: rows.length > q.limit ? items[items.length - 1].id : null };
  }

  // ---- internals -------------------------------------------------------------------------------

  /**
   * A wrong proof counts towards the lockout like a wrong password at sign-in, so a stolen access token
   * cannot be used to guess the password or codes; a locked account is refused before looking.
   */
  private async reauth(user: LoginCandidate, proof: Reauth): Promise<void> {
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) throw AuthErrors.accountLocked(user.lockedUntil);
    const ok =
      proof.code !== undefined
        ? (await this.verifyTotp(user.id, proof.code)) === 'totp'
        : await this.users.verifyPassword(proof.password ?? '', user.passwordHash);
    if (ok) return;
    const lockedUntil = await this.alerts.registerFailure(user);
    throw lockedUntil ? AuthErrors.accountLocked(lockedUntil) : MfaErrors.reauthFailed();
  }

  private async account(userId: string): Promise<{ id: string; roles: Role[]; schoolId: string | null; regionId: string | null }> {
    const user = await this.userRoles.findBasic(userId);
    if (!user) throw AuthErrors.sessionRevoked();
    return user;
  }

  private async loginCandidate(userId: string): Promise<LoginCandidate> {
    const user = await this.users.findLoginCandidateById(userId);
    if (!user) throw AuthErrors.sessionRevoked();
    return user;
  }

  private secretOf(userId: string, blob: Buffer): string {
    return this.pii.decrypt(blob, secretAad(userId));
  }

  /**
   * Recovery codes carry 50 random bits, so a fast keyed hash is enough: HMAC-SHA-256 under a key derived
   * from DATA_ENCRYPTION_KEY (the pepper, never in the database), salted by the user id. It can be looked
   * up directly, where bcrypt would need ten slow comparisons per attempt (docs/security.md).
   */
  private recoveryHash(userId: string, code: string): string {
    return this.pii.lookupHash('mfa-recovery-code', `${userId}:${normalizeRecoveryCode(code) ?? code}`);
  }
}
