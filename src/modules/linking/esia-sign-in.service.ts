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
import { ClientInfo } from '../auth/sessions.service';
import { EsiaErrors, extractEsiaCode } from '../esia/esia.errors';
import { EsiaPerson, IDENTITY_PROVIDER, IdentityProvider, IdentityTokens, SignedRequest } from '../esia/identity-provider';
import { SettingsErrors } from '../settings/settings.errors';
import { DEFAULT_TIMEZONE, SettingsService } from '../settings/settings.service';
import { UserStatus } from '../users/entities/user.entity';
import { CredentialsService } from '../users/credentials.service';
import { PersonalDataService, UserIdentity } from '../users/personal-data.service';
import { EsiaLinkStartView, EsiaSignInView } from './dto/linking.dto';
import { EsiaFlowStore, FlowPurpose, pendingPerson } from './esia-flow.store';
import { EsiaLinksErrors } from '../esia-links/esia-links.errors';
import { EsiaLinkMethod } from '../esia-links/esia-link-method';
import { EsiaLinksService } from '../esia-links/esia-links.service';
import { fioMatches } from './fio';
import { dateInZone } from '../../common/time/zoned-date';
import { checkAccountLevel } from './level-gate';
import { LinkingErrors } from './linking.errors';

/** Where the callback sends the browser: exactly one of these goes into the frontend URL. */
export type CallbackOutcome = { ticket: string } | { linkTicket: string } | { error: string };

type Subject = { id: string; schoolId: string | null } | null;

/** A started browser flow: the state (in Redis, bound to the browser secret) and the signed authorization request for it. */
export interface StartedFlow {
  state: string;
  browserSecret: string;
  authorization: SignedRequest;
}

/**
 * The callback once its state was taken: what the round trip was for, and the signed token request for its
 * code — absent when ESIA answered with an error instead of a code (passport's error branch takes it).
 */
export interface OpenedCallback {
  purpose: FlowPurpose;
  token?: SignedRequest;
}

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
    private readonly sessionCheck: SessionCheck,
    private readonly history: LoginHistoryService,
    private readonly users: PersonalDataService,
    private readonly credentials: CredentialsService,
    private readonly settings: SettingsService,
  ) {}

  // ---- browser flow --------------------------------------------------------------------------

  /**
   * GET /auth/esia/login, before passport builds the redirect (strategies/esia-auth.guards.ts): the purpose
   * (sign-in, or "Привязать" with the intent from link-start), a fresh state bound to the browser, and the
   * authorization request signed for that state (the GOST signature is asynchronous, passport's hooks are not).
   */
  async start(intent: unknown, client: ClientInfo): Promise<StartedFlow> {
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
      return { state, browserSecret, authorization: await this.idp.authorizationRequest({ state }) };
    } catch (e) {
      await this.store.dropState(state).catch(() => undefined); // frees its place among the pending states
      throw e;
    }
  }

  /**
   * GET /auth/esia/callback, before passport: takes the state (single use, this browser's), so a replayed or
   * foreign callback is ESIA_STATE_INVALID whatever else it carries; then a malformed error or code is refused
   * here, and a code gets its signed token request. Throws the refusal.
   */
  async openCallback(query: Record<string, unknown>, browserSecret: string | undefined): Promise<OpenedCallback> {
    const purpose = await this.store.takeState(query.state, browserSecret);
    if (!purpose) throw LinkingErrors.stateInvalid();
    if (query.error !== undefined) {
      if (typeof query.error === 'string' && query.error !== '') return { purpose }; // ESIA's answer: passport's error branch
      throw this.authorizationRefusal(query.error, query.error_description);
    }
    if (typeof query.code !== 'string' || query.code === '' || query.code.length > 4096) {
      this.logger.warn({ step: 'authorization' }, 'ESIA callback without a code');
      throw EsiaErrors.unavailable('invalid_response');
    }
    return { purpose, token: await this.idp.tokenRequest(query.code) };
  }

  /** ESIA answered the authorization request with `error`: «Отказать» is ESIA_CONSENT_DENIED, anything else ESIA_UNAVAILABLE. */
  authorizationRefusal(error: unknown, description: unknown): AppError {
    const esiaCode = extractEsiaCode(description);
    if (error === 'access_denied' && (esiaCode === undefined || esiaCode === 'ESIA-007004')) return LinkingErrors.consentDenied();
    this.logger.warn(
      { step: 'authorization', error: String(error).slice(0, 100), esiaCode },
      `ESIA refused the authorization: ${esiaCode ?? String(error).slice(0, 100)}`,
    );
    return EsiaErrors.unavailable('error_response', esiaCode);
  }

  /**
   * The callback once passport has the verified tokens (the `esia` strategy's verify): reads the person and
   * applies the linking rules. Never throws — a refusal becomes `{ error: CODE }` (and a history row).
   */
  async decide(purpose: FlowPurpose, tokens: IdentityTokens, client: ClientInfo): Promise<CallbackOutcome> {
    const subject: { user: Subject } = { user: null };
    try {
      const person = await this.idp.fetchPerson(tokens.oid, tokens.accessToken);
      return purpose.kind === 'link' ? await this.linkFromSession(purpose, person, subject) : await this.identify(person, subject);
    } catch (e) {
      return this.refusal(e, client, subject.user);
    }
  }

  /** A refused callback: the code for the frontend URL, written to the login history (with the user when one was identified). */
  async refusal(e: unknown, client: ClientInfo, user: Subject = null): Promise<{ error: string }> {
    return { error: await this.refusalCode(e, user, client) };
  }

  /** POST /auth/esia/exchange: the sign-in ticket for the usual token pair (an ESIA session). */
  async exchange(ticket: string, client: ClientInfo): Promise<EsiaSignInView> {
    const taken = await this.store.takeTicket(ticket);
    if (!taken) {
      await this.recordFailure(null, LinkingErrors.stateInvalid().code, client);
      throw LinkingErrors.stateInvalid();
    }
    const user = await this.credentials.findLoginCandidateById(taken.userId); // the one read of the user: checked, then signed in
    if (!user || user.status !== UserStatus.Active) {
      await this.recordFailure(user, AuthErrors.accountDisabled().code, client);
      throw AuthErrors.accountDisabled();
    }
    const result = await this.auth.signInAs(user, 'esia', client, `esia_${taken.reason}`);
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
    // the password check read the account (status, roles, session epoch); the names and birth date are read here once
    const user = await this.users.findIdentity(check.userId);
    if (!user) throw AuthErrors.invalidCredentials();
    let created: boolean;
    try {
      created = await this.linkChecked(user, taken.person, 'password');
    } catch (e) {
      if (e instanceof AppError) await this.recordFailure(user, e.code, client);
      throw e;
    }
    const result = await this.auth.signInAs(check.account, 'esia', client, 'esia_password');
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
        const created = await this.linkChecked(user, person, 'snils_fio');
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
    return { linkTicket: await this.store.createLinkTicket(pendingPerson(person)) };
  }

  private async linkFromSession(
    purpose: Extract<FlowPurpose, { kind: 'link' }>,
    person: EsiaPerson,
    subject: { user: Subject },
  ): Promise<CallbackOutcome> {
    const user = await this.identity(purpose.userId, subject);
    if (await this.sessionCheck.hasEnded({ userId: purpose.userId, sessionId: purpose.sessionId })) throw LinkingErrors.stateInvalid();
    const created = await this.linkChecked(user, person, 'session');
    return { ticket: await this.store.createTicket({ userId: user.id, reason: 'session', linkedNow: created ? 'session' : null }) };
  }

  /**
   * The rules every new link obeys, whichever way it is made (docs/domain.md §4): an active account in a region
   * with ESIA on, the same FIO, a level enough for the age; then the link. Returns whether it was created now.
   */
  private async linkChecked(user: UserIdentity, person: LinkFacts, method: EsiaLinkMethod): Promise<boolean> {
    const timezone = await this.ensureRegionAllowsEsia(user);
    if (!fioMatches(user, person)) throw LinkingErrors.fioMismatch();
    this.ensureLevel(user, person, timezone);
    const { created } = await this.links.link(user.id, person.oid, method);
    if (created) this.logger.log({ userId: user.id, method }, 'ESIA account linked');
    return created;
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
/** What a link is checked against: the ESIA person at the callback, or as the link ticket kept it. */
type LinkFacts = LevelFacts & Pick<EsiaPerson, 'oid' | 'lastName' | 'firstName' | 'middleName'>;

/**
 * Throws when the gate refused: ESIA_ACCOUNT_LEVEL_TOO_LOW, or ESIA_SCOPE_MISSING when the level could
 * not be read because ESIA withheld the documents (under 14 "simplified" suffices, so that never blocks).
 */
function levelRefusal(person: LevelFacts, gate: ReturnType<typeof checkAccountLevel>): void {
  if (gate.ok) return;
  if (person.levelUndetermined) throw LinkingErrors.scopeMissing(gate.requiredLevel);
  throw LinkingErrors.levelTooLow(gate.requiredLevel);
}
