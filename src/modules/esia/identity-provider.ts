/**
 * The identity-provider port (ESIA.md "Decisions"): sign-in and linking talk to this interface only.
 * The direct ESIA adapter ({@link EsiaIdentityProvider}) is one implementation; a plain OpenID
 * Connect adapter (for an approved intermediary) can be a second one.
 *
 * Every method that talks to the provider fails with AppError `ESIA_UNAVAILABLE` (see esia.errors.ts)
 * when the provider is unreachable, slow, answers an error, or sends something that does not verify.
 */

/** Nest injection token for the {@link IdentityProvider}. */
export const IDENTITY_PROVIDER = Symbol('IDENTITY_PROVIDER');

/** ESIA account level (ESIA.md §6.9): Упрощённая / Стандартная / Подтверждённая. */
export type EsiaAccountLevel = 'simplified' | 'standard' | 'confirmed';

/** What the diary needs to know about a person; used for matching and then dropped (never stored). */
export interface EsiaPerson {
  /** ESIA subject id (numeric string). */
  oid: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  /** `YYYY-MM-DD`, or null when ESIA gives none. */
  birthDate: string | null;
  /** 11 digits without separators, or null. */
  snils: string | null;
  /** "Подтверждённая" account flag as ESIA reports it. */
  trusted: boolean;
  level: EsiaAccountLevel;
}

export interface AuthorizationRequest {
  /** UUID v4 the caller stored (single use) and checks on the callback. */
  state: string;
  /** `offline` asks for a refresh token. Default `online`. */
  accessType?: 'online' | 'offline';
}

export interface IdentityTokens {
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** Subject id from the verified access token. */
  oid: string;
  /** Granted scopes without the `?oid=` suffixes, e.g. `['openid', 'fullname']`. */
  scopes: string[];
  /** Access token expiry. */
  expiresAt: Date;
  /** ESIA session id (`urn:esia:sid`) when present. */
  sessionId?: string;
}

export type ConnectionTestStepName = 'config' | 'signer' | 'trusted_certificates' | 'authorization_endpoint' | 'token_endpoint';

export interface ConnectionTestStep {
  step: ConnectionTestStepName;
  ok: boolean;
  /** Russian text for the admin: what was checked, or what went wrong. */
  detail: string;
  /** `ESIA-0xxxxx` when the provider answered with one. */
  esiaCode?: string;
}

export interface ConnectionTestReport {
  ok: boolean;
  steps: ConnectionTestStep[];
}

export interface IdentityProvider {
  /** Provider name for logs and the login history, e.g. `esia`. */
  readonly name: string;
  /** Signed URL of the provider's authorization endpoint; the browser is redirected (302) there. */
  authorizationUrl(request: AuthorizationRequest): Promise<string>;
  /** Exchanges the callback `code` for tokens; the access token (and id_token) are verified. */
  exchangeCode(code: string): Promise<IdentityTokens>;
  /** Reads the person (FIO, birth date, SNILS, level) with the access token of {@link exchangeCode}. */
  fetchPerson(oid: string, accessToken: string): Promise<EsiaPerson>;
  /** URL that ends the provider's SSO session and returns the browser to `redirectUrl`. */
  logoutUrl(redirectUrl?: string): string;
  /** Admin "test connection": runs every step and says which one failed. Never throws. */
  testConnection(): Promise<ConnectionTestReport>;
}
