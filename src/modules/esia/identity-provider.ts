/**
 * The identity-provider port (docs/esia.md "Overview"): sign-in and linking talk to this interface only.
 * The direct ESIA adapter ({@link EsiaIdentityProvider}) is one implementation; a plain OpenID
 * Connect adapter (for an approved intermediary) can be a second one.
 *
 * Every method that talks to the provider fails with AppError `ESIA_UNAVAILABLE` (see esia.errors.ts)
 * when the provider is unreachable, slow, answers an error, or sends something that does not verify.
 */

/** Nest injection token for the {@link IdentityProvider}. */
export const IDENTITY_PROVIDER = Symbol('IDENTITY_PROVIDER');

/** ESIA account level (docs/esia.md "Account level"): Упрощённая / Стандартная / Подтверждённая. */
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
  /**
   * Set when ESIA did not hand over the identity documents (no `id_doc` scope, or 403 on `/docs`): the
   * account is not confirmed and has SNILS, so it may be "standard", but `level` could only say `simplified`.
   */
  levelUndetermined?: 'documents_not_granted';
}

export interface AuthorizationRequest {
  /** UUID v4 the caller stored (single use) and checks on the callback. */
  state: string;
  /** `offline` asks for a refresh token. Default `online`. */
  accessType?: 'online' | 'offline';
}

/**
 * The diary as an OAuth 2.0 client of the provider: what passport-oauth2's strategy is built with
 * (linking/strategies/esia.strategy.ts).
 */
export interface OAuthClient {
  clientId: string;
  /** The authorization endpoint (`GET`, the browser goes there). */
  authorizationUrl: string;
  /** The token endpoint (`POST`). */
  tokenUrl: string;
  redirectUri: string;
  /** Space-separated scopes. */
  scope: string;
}

/**
 * The parameters of one signed request, every one the provider wants (for ESIA: `client_secret` — the GOST
 * signature —, `timestamp`, `state`, `client_certificate_hash` beside the plain OAuth ones). Signing is
 * asynchronous (OpenSSL or CryptoPro), so the browser flow signs first and hands these to passport.
 */
export interface SignedRequest {
  params: Record<string, string>;
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

export const CONNECTION_TEST_STEPS = [
  'config',
  'issuer',
  'signer',
  'trusted_certificates',
  'authorization_endpoint',
  'token_endpoint',
  'recent_tokens',
] as const;
export type ConnectionTestStepName = (typeof CONNECTION_TEST_STEPS)[number];

/** Stable English names of what a failed step found (docs/esia.md "Test connection"). */
export const CONNECTION_TEST_PROBLEMS = [
  /** ESIA_ISSUER differs from the issuer of the ESIA environment, or a token came with another `iss`. */
  'wrong_issuer',
  /** A token came signed with an algorithm that is not allowed (ESIA_TOKEN_ALGORITHMS) or has no certificate. */
  'wrong_algorithm',
  /** A token's signature matched none of the trusted certificates (ESIA rotated its certificate?). */
  'bad_signature',
  /** An allowed algorithm has no trusted certificate. */
  'no_certificate_for_algorithm',
  /** Every trusted certificate of an algorithm is expired (or not valid yet). */
  'certificate_expired',
  /** A trusted certificate file cannot be read as a usable certificate. */
  'certificate_unreadable',
  /** A token was refused for another reason (expired, wrong audience, no subject). */
  'token_rejected',
] as const;
export type ConnectionTestProblem = (typeof CONNECTION_TEST_PROBLEMS)[number];

export interface ConnectionTestStep {
  step: ConnectionTestStepName;
  ok: boolean;
  /** Russian text for the admin: what was checked, or what went wrong. */
  detail: string;
  /** `ESIA-0xxxxx` when the provider answered with one. */
  esiaCode?: string;
  /** What a failed step found, when it is one of {@link CONNECTION_TEST_PROBLEMS}. */
  problem?: ConnectionTestProblem;
}

export interface ConnectionTestReport {
  ok: boolean;
  steps: ConnectionTestStep[];
}

export interface IdentityProvider {
  /** Provider name for logs and the login history, e.g. `esia`. */
  readonly name: string;
  /** The client registration, or null when the provider is not configured. */
  readonly client: OAuthClient | null;
  /** The signed query of the authorization request for this state (goes onto {@link OAuthClient.authorizationUrl}). */
  authorizationRequest(request: AuthorizationRequest): Promise<SignedRequest>;
  /** Signed URL of the provider's authorization endpoint; the browser is redirected (302) there. */
  authorizationUrl(request: AuthorizationRequest): Promise<string>;
  /** The signed body of the token request for this `code` (with a new state of its own). */
  tokenRequest(code: string): Promise<SignedRequest>;
  /**
   * Exchanges the callback `code` for tokens; the access token (and id_token) are verified. `signed`: the
   * body {@link tokenRequest} made for this code (signed now when absent).
   */
  exchangeCode(code: string, signed?: SignedRequest): Promise<IdentityTokens>;
  /** Reads the person (FIO, birth date, SNILS, level) with the access token of {@link exchangeCode}. */
  fetchPerson(oid: string, accessToken: string): Promise<EsiaPerson>;
  /** URL that ends the provider's SSO session and returns the browser to `redirectUrl`. */
  logoutUrl(redirectUrl?: string): string;
  /** Admin "test connection": runs every step and says which one failed. Never throws. */
  testConnection(): Promise<ConnectionTestReport>;
}
