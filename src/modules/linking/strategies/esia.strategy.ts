import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy as OAuth2Strategy } from 'passport-oauth2';
import { IDENTITY_PROVIDER, IdentityProvider, IdentityTokens, SignedRequest } from '../../esia/identity-provider';
import { releaseStrategy, trackStrategy } from '../../auth/strategies/passport-registry';
import { CallbackOutcome, EsiaSignInService } from '../esia-sign-in.service';
import { esiaFlow, EsiaFlowRequest } from './esia-flow-request';
import { EsiaStateStore } from './esia-state.store';

export const ESIA_STRATEGY = 'esia';

/** What the ESIA guards pass to passport.authenticate: the request they signed beforehand. */
export interface EsiaAuthenticateOptions {
  session: false;
  property: string;
  /** `authorization`: GET /auth/esia/login; `callback`: ESIA's redirect back. */
  leg: 'authorization' | 'callback';
  signed?: SignedRequest;
}

/** Only when ESIA is not configured: the strategy must be built, and the guards refuse before it runs. */
const NOT_CONFIGURED = { clientId: 'not-configured', authorizationUrl: 'https://esia.invalid/ac', tokenUrl: 'https://esia.invalid/te' };

type TokenCallback = (err: unknown, accessToken?: string, refreshToken?: string, results?: IdentityTokens) => void;

/**
 * "Войти через Госуслуги" as a passport-oauth2 strategy (docs/esia.md). passport-oauth2 drives both legs:
 * without a code it builds the authorization URL and redirects the browser there; on the callback it turns
 * ESIA's `error` into a failure, checks the state through {@link EsiaStateStore}, exchanges the code and
 * calls `validate`. What ESIA adds to plain OAuth 2.0 — `client_secret` as a GOST signature over the
 * request, `timestamp`, `client_certificate_hash`, a fresh `state` on the token request — is signed by
 * the identity-provider port before passport runs (signing is asynchronous, passport's hooks are not) and
 * comes in through `authorizationParams` and `tokenParams`. The token POST itself goes through the port
 * too (its timeouts and ESIA error codes; node-oauth would replace `client_secret` with a static one), and
 * the port verifies the tokens (EsiaTokenVerifier). `validate` applies the linking rules and answers where
 * the browser goes next; it never throws. No passport session.
 */
@Injectable()
export class EsiaStrategy extends PassportStrategy(OAuth2Strategy, ESIA_STRATEGY, true) implements OnModuleDestroy {
  constructor(
    @Inject(IDENTITY_PROVIDER) idp: IdentityProvider,
    private readonly flow: EsiaSignInService,
  ) {
    const client = idp.client;
    super({
      authorizationURL: client?.authorizationUrl ?? NOT_CONFIGURED.authorizationUrl,
      tokenURL: client?.tokenUrl ?? NOT_CONFIGURED.tokenUrl,
      clientID: client?.clientId ?? NOT_CONFIGURED.clientId,
      clientSecret: '', // ESIA's client_secret is a signature of each request, not a fixed secret
      callbackURL: client?.redirectUri,
      scope: client?.scope,
      scopeSeparator: ' ',
      store: new EsiaStateStore(),
      passReqToCallback: true,
      skipUserProfile: true, // the person is read in validate: /rs/prns needs the oid of the verified token
    });
    this._oauth2.getOAuthAccessToken = ((code: string, params: Record<string, string>, callback: TokenCallback) => {
      idp.exchangeCode(code, { params }).then(
        (tokens) => callback(null, tokens.accessToken, tokens.refreshToken, tokens),
        (err: unknown) => callback(err),
      );
    }) as typeof this._oauth2.getOAuthAccessToken;
    trackStrategy(ESIA_STRATEGY, this);
  }

  /**
   * passport-oauth2 tells the legs apart by the query (a `code` or an `error` means the callback); the login
   * route starts the authorization whatever its query holds, as it always did.
   */
  override authenticate(req: Request, options: EsiaAuthenticateOptions): void {
    super.authenticate(options.leg === 'authorization' ? (Object.create(req, { query: { value: {} } }) as Request) : req, options);
  }

  /** The signed authorization query (passport sets response_type, redirect_uri, scope, state and client_id to the same values). */
  override authorizationParams(options: EsiaAuthenticateOptions): object {
    return { ...options.signed?.params };
  }

  /** The signed token request (passport sets grant_type and redirect_uri to the same values). */
  override tokenParams(options: EsiaAuthenticateOptions): object {
    return { ...options.signed?.params };
  }

  validate(
    req: EsiaFlowRequest,
    _accessToken: string,
    _refreshToken: string,
    tokens: IdentityTokens,
    _profile: unknown,
  ): Promise<CallbackOutcome> {
    const { opened, client } = esiaFlow(req);
    if (!opened) throw new Error('the ESIA callback reached validate without its state');
    return this.flow.decide(opened.purpose, tokens, client);
  }

  onModuleDestroy(): void {
    releaseStrategy(ESIA_STRATEGY, this);
  }
}
