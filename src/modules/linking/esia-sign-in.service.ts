import { Inject, Injectable, Logger } from '@nestjs/common';
import { loggable } from '../../core/logging/loggable';
import { randomUUID } from 'node:crypto';
import { Principal } from '../../common/auth/principal';
import { AppError, CommonErrorCode } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { AuthErrors } from '../auth/auth.errors';
import { AuthService } from '../auth/auth.service';
import { LoginHistoryService } from '../auth/login-history.service';
import { SessionCheck } from '../auth/session-check';
import { ClientInfo, SessionsService } from '../auth/sessions.service';
import { EsiaErrors, extractEsiaCode } from '../esia/esia.errors';
import { EsiaPerson, IDENTITY_PROVIDER, IdentityProvider } from '../esia/identity-provider';
import { SettingsErrors } from '../settings/settings.errors';
import { DEFAULT_TIMEZONE, SettingsService } from '../settings/settings.service';
import { UserStatus } from '../users/entities/user.entity';
import { UserIdentity, UsersService } from '../users/users.service';
import { EsiaLinkStartView, EsiaSignInView, MyEsiaLinkView } from './dto/linking.dto';
import { EsiaFlowStore, FlowPurpose, PendingEsiaPerson } from './esia-flow.store';
import { EsiaLinksErrors } from '../esia-links/esia-links.errors';
import { EsiaLinksService } from '../esia-links/esia-links.service';
import { fioMatches } from './fio';
import { checkAccountLevel, dateInZone } from './level-gate';
import { LinkingErrors } from './linking.errors';

/** Where the callback sends the browser: exactly one of these goes into the frontend URL. */
export type CallbackOutcome = { ticket: string } | { linkTicket: string } | { error: string };

type Subject = { id: string; schoolId: string | null } | null;

/**
 * "Войти через Госуслуги" and account linking (docs/domain.md §4), in this order on an ESIA login:
 * 1. the ESIA account is already linked → sign in that user;
 * 2. SNILS + FIO match exactly one diary user → link (snils_fio) and sign in;
 * 3. otherwise a link ticket: the frontend asks for the diary login and password; right password and
 *    matching FIO → link (password) and sign in;
 * 4. "Привязать" from a signed-in session: the returned ESIA account is linked to that user if the FIO matches.
 * Every identified user must be active, in a region where ESIA is on, with a high enough account
 * level for their age. ESIA personal data is used for these decisions and dropped; between the
 * callback and the link form it lives only in Redis (link ticket, without SNILS).
 */
@Injectable()
export class EsiaSignInService {
  private readonly logger = new Logger('EsiaSignIn');

  constructor(
    @Inject(IDENTITY_PROVIDER) private readonly idp: IdentityProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: EsiaFlowStore,
    private readonly links: EsiaLinksService,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly sessionCheck: SessionCheck,
    private readonly history: LoginHistoryService,
    private readonly users: UsersService,
    private readonly settings: SettingsService,
  ) {}

  // ---- browser flow --------------------------------------------------------------------------

  /** GET /auth/esia/login: a fresh state bound to the browser, and the ESIA URL to redirect to. */
  async start(intent: unknown, client: ClientInfo): Promise<{ url: string; browserSecret: string }> {
    let purpose: FlowPurpose = { kind: 'login' };
    if (intent !== undefined) {
      const taken = typeof intent === 'string' && /^[A-Za-z0-9_-]{43}$/.test(intent) ? await this.store.takeIntent(intent) : null;
      if (!taken) {
        await this.recordFailure(null, LinkingErrors.stateInvalid().code, client);
        throw LinkingErrors.stateInvalid();
      }
      purpose = { kind: 'link', ...taken };
    }
    const { state, browserSecret } = await this.store.createState(purpose);
    try {
      return { url: await this.idp.authorizationUrl({ state }), browserSecret };
    } catch (e) {
      await this.store.dropState(state).catch(() => undefined); // frees its place among the pending states
      throw e;
    }
  }

  /** GET /auth/esia/callback: decides, and never throws — a refusal becomes `{ error: CODE }` (and a history row). */
  async callback(query: Record<string, unknown>, browserSecret: string | undefined, client: ClientInfo): Promise<CallbackOutcome> {
    const subject: { user: Subject } = { user: null };
    try {
      const purpose = await this.store.takeState(query.state, browserSecret);
      if (!purpose) throw LinkingErrors.stateInvalid();
      if (query.error !== undefined) {
        const esiaCode = extractEsiaCode(query.error_description);
        if (query.error === 'access_denied' && (esiaCode === undefined || esiaCode === 'ESIA-007004')) throw LinkingErrors.consentDenied();
        this.logger.warn(
          { step: 'authorization', error: String(query.error).slice(0, 100), esiaCode },
          `ESIA refused the authorization: ${esiaCode ?? String(query.error).slice(0, 100)}`,
        );
        throw EsiaErrors.unavailable('error_response', esiaCode);
      }
      if (typeof query.code !== 'string' || query.code === '' || query.code.length > 4096) {
        this.logger.warn({ step: 'authorization' }, 'ESIA callback without a code');
        throw EsiaErrors.unavailable('invalid_response');
      }
      const tokens = await this.idp.exchangeCode(query.code);
      const person = await this.idp.fetchPerson(tokens.oid, tokens.accessToken);
      return purpose.kind === 'link' ? await this.linkFromSession(purpose, person, subject) : await this.identify(person, subject);
    } catch (e) {
      return { error: await this.refusalCode(e, subject.user, client) };
    }
  }

  /** POST /auth/esia/exchange: the sign-in ticket for the usual token pair (an ESIA session). */
  async exchange(ticket: string, client: ClientInfo): Promise<EsiaSignInView> {
    const taken = await this.store.takeTicket(ticket);
    if (!taken) {
      await this.recordFailure(null, LinkingErrors.stateInvalid().code, client);
      throw LinkingErrors.stateInvalid();
    }
    const user = await this.users.findIdentity(taken.userId);
    if (!user || user.status !== UserStatus.Active) {
      await this.recordFailure(user, AuthErrors.accountDisabled().code, client);
      throw AuthErrors.accountDisabled();
    }
    const result = await this.auth.signIn(user.id, 'esia', client, `esia_${taken.reason}`);
    return { ...result, linkedNow: taken.linkedNow !== null };
  }

  /**
   * POST /auth/esia/link: the link ticket plus the diary login and password. A wrong password counts
   * towards the lockout and keeps the ticket for another try (up to 5); anything else ends it.
   */
  async linkWithPassword(linkTicket: string, login: string, password: string, client: ClientInfo): Promise<EsiaSignInView> {
    const taken = await this.store.takeLinkTicket(linkTicket);
    if (!taken) {
      await this.recordFailure(null, LinkingErrors.stateInvalid().code, client);
      throw LinkingErrors.stateInvalid();
    }
    const check = await this.auth.checkCredentials(login, password, client, 'esia');
    if (!check.ok) {
      if (check.reason === 'invalid_password' || check.reason === 'unknown_login') await this.store.returnLinkTicket(linkTicket, taken);
      throw this.auth.refusal(check);
    }
    const user = await this.users.findIdentity(check.userId);
    if (!user) throw AuthErrors.invalidCredentials();
    let created: boolean;
    try {
      const timezone = await this.ensureRegionAllowsEsia(user);
      if (!fioMatches(user, taken.person)) throw LinkingErrors.fioMismatch();
      this.ensureLevel(user, taken.person, timezone);
      ({ created } = await this.links.link(user.id, taken.person.oid, 'password'));
      if (created) this.logger.log({ userId: user.id, method: 'password' }, 'ESIA account linked');
    } catch (e) {
      if (e instanceof AppError) await this.recordFailure(user, e.code, client);
      throw e;
    }
    const result = await this.auth.signIn(user.id, 'esia', client, 'esia_password');
    return { ...result, linkedNow: created };
  }

  /** POST /auth/esia/link-start ("Привязать"): a one-time URL that starts the ESIA flow for linking to the caller. */
  async linkStart(p: Principal): Promise<EsiaLinkStartView> {
    const user = await this.users.findIdentity(p.userId);
    if (!user) throw AuthErrors.sessionRevoked();
    if (await this.links.hasActiveLink(user.id)) {
      throw EsiaLinksErrors.ownAccountAlreadyLinked();
    }
    const { options } = await this.settings.signInContext(user);
    if (!options.esia) throw SettingsErrors.esiaDisabled();
    const intent = await this.store.createIntent(p.userId, p.sessionId);
    const url = new URL('login', this.esiaRedirectUri());
    url.searchParams.set('intent', intent);
    return { url: url.toString() };
  }

  // ---- the link, seen from the profile and by admins -----------------------------------------

  async myLink(userId: string): Promise<MyEsiaLinkView> {
    const link = await this.links.activeByUser(userId);
    return { linked: !!link, linkedAt: link?.linkedAt.toISOString() ?? null, method: link?.method ?? null };
  }

  /** The user unlinks: the link ends, and so do the user's ESIA-based sessions. */
  async unlinkOwn(userId: string): Promise<void> {
    if (!(await this.links.revokeOwn(userId))) throw EsiaLinksErrors.linkNotFound();
    const ended = await this.sessions.revokeAllForUser(userId, 'esia_unlinked', 'esia');
    this.logger.log({ userId, endedSessions: ended }, 'ESIA link removed by the user');
  }

  /** An admin revokes a link in their scope (404 outside it); the user's ESIA-based sessions end. */
  async revokeByAdmin(p: Principal, linkId: string): Promise<void> {
    const { userId } = await this.links.revokeByAdmin(p, linkId);
    const ended = await this.sessions.revokeAllForUser(userId, 'esia_link_revoked', 'esia');
    this.logger.log({ userId, by: p.userId, endedSessions: ended }, 'ESIA link revoked by an admin');
  }

  // ---- decisions -----------------------------------------------------------------------------

  private async identify(person: EsiaPerson, subject: { user: Subject }): Promise<CallbackOutcome> {
    // 1. already linked
    const linked = await this.links.activeByOid(person.oid);
    if (linked) {
      const user = await this.identity(linked.userId, subject);
      this.ensureLevel(user, person, await this.ensureRegionAllowsEsia(user));
      return { ticket: await this.store.createTicket({ userId: user.id, reason: 'already_linked', linkedNow: null }) };
    }
    // 2. SNILS + FIO. SNILS is unique in the diary, so there is at most one candidate. Its owner with
    //    another FIO is FIO_MISMATCH at once: the password route could only end the same way.
    if (person.snils) {
      const userId = await this.users.findIdBySnils(person.snils);
      if (userId) {
        const user = await this.identity(userId, subject);
        const timezone = await this.ensureRegionAllowsEsia(user);
        if (!fioMatches(user, person)) throw LinkingErrors.fioMismatch();
        this.ensureLevel(user, person, timezone);
        const { created } = await this.links.link(user.id, person.oid, 'snils_fio');
        if (created) this.logger.log({ userId: user.id, method: 'snils_fio' }, 'ESIA account linked');
        return { ticket: await this.store.createTicket({ userId: user.id, reason: 'snils_fio', linkedNow: created ? 'snils_fio' : null }) };
      }
    }
    // 3. diary login and password. When ESIA gives the birth date, a too low level is refused now
    //    rather than after the user typed a password.
    if (person.birthDate)
      levelRefusal(
        person,
        checkAccountLevel({
          level: person.level,
          esiaBirthDate: person.birthDate,
          diaryBirthDate: null,
          today: dateInZone(new Date(), DEFAULT_TIMEZONE),
        }),
      );
    return { linkTicket: await this.store.createLinkTicket(pending(person)) };
  }

  private async linkFromSession(
    purpose: Extract<FlowPurpose, { kind: 'link' }>,
    person: EsiaPerson,
    subject: { user: Subject },
  ): Promise<CallbackOutcome> {
    const user = await this.identity(purpose.userId, subject);
    if (await this.sessionCheck.hasEnded({ userId: purpose.userId, sessionId: purpose.sessionId })) throw LinkingErrors.stateInvalid();
    const timezone = await this.ensureRegionAllowsEsia(user);
    if (!fioMatches(user, person)) throw LinkingErrors.fioMismatch();
    this.ensureLevel(user, person, timezone);
    const { created } = await this.links.link(user.id, person.oid, 'session');
    if (created) this.logger.log({ userId: user.id, method: 'session' }, 'ESIA account linked');
    return { ticket: await this.store.createTicket({ userId: user.id, reason: 'session', linkedNow: created ? 'session' : null }) };
  }

  private async identity(userId: string, subject: { user: Subject }): Promise<UserIdentity> {
    const user = await this.users.findIdentity(userId);
    if (!user) throw LinkingErrors.stateInvalid(); // deleted meanwhile
    subject.user = user;
    return user;
  }

  /** Active account and ESIA on in the user's region; returns the region's time zone. */
  private async ensureRegionAllowsEsia(user: UserIdentity): Promise<string> {
    if (user.status !== UserStatus.Active) throw AuthErrors.accountDisabled();
    const { options, timezone } = await this.settings.signInContext(user);
    if (!options.esia) throw SettingsErrors.esiaDisabled();
    return timezone;
  }

  /** Account level enough for the age on the day of login (in the region's time zone). */
  private ensureLevel(user: UserIdentity, person: LevelFacts, timezone: string): void {
    levelRefusal(
      person,
      checkAccountLevel({
        level: person.level,
        esiaBirthDate: person.birthDate,
        diaryBirthDate: user.birthDate,
        today: dateInZone(new Date(), timezone),
      }),
    );
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private async refusalCode(e: unknown, user: Subject, client: ClientInfo): Promise<string> {
    let code: string;
    if (e instanceof AppError) {
      code = e.code;
    } else {
      const errorId = randomUUID();
      this.logger.error({ errorId, err: loggable(e) }, 'ESIA callback failed');
      code = CommonErrorCode.InternalError;
    }
    await this.recordFailure(user, code, client).catch((err: unknown) =>
      this.logger.error({ err: loggable(err) }, 'Cannot record the ESIA sign-in failure'),
    );
    return code;
  }

  private async recordFailure(user: Subject, code: string, client: ClientInfo): Promise<void> {
    await this.history.record({
      userId: user?.id ?? null,
      schoolId: user?.schoolId ?? null,
      method: 'esia',
      outcome: 'failure',
      reason: code,
      client,
    });
  }

  private esiaRedirectUri(): string {
    if (!this.config.esia) throw EsiaErrors.unavailable('not_configured');
    return this.config.esia.redirectUri;
  }
}

type LevelFacts = Pick<EsiaPerson, 'level' | 'birthDate' | 'levelUndetermined'>;

/**
 * Throws when the gate refused: ESIA_ACCOUNT_LEVEL_TOO_LOW, or ESIA_SCOPE_MISSING when the level could
 * not be read because ESIA withheld the documents (under 14 "simplified" suffices, so that never blocks).
 */
function levelRefusal(person: LevelFacts, gate: ReturnType<typeof checkAccountLevel>): void {
  if (gate.ok) return;
  if (person.levelUndetermined) throw LinkingErrors.scopeMissing(gate.requiredLevel);
  throw LinkingErrors.levelTooLow(gate.requiredLevel);
}

const pending = (p: EsiaPerson): PendingEsiaPerson => ({
  oid: p.oid,
  lastName: p.lastName,
  firstName: p.firstName,
  middleName: p.middleName,
  birthDate: p.birthDate,
  level: p.level,
  ...(p.levelUndetermined ? { levelUndetermined: p.levelUndetermined } : {}),
});
