import type { Request } from 'express';
import { IdentityProvider, IdentityTokens, SignedRequest } from '../../esia/identity-provider';
import { CallbackOutcome, EsiaSignInService } from '../esia-sign-in.service';
import { EsiaFlowContext, EsiaFlowRequest } from './esia-flow-request';
import { EsiaAuthenticateOptions, EsiaStrategy } from './esia.strategy';

const CLIENT = {
  clientId: 'DIARY',
  authorizationUrl: 'https://esia.example/aas/oauth2/v2/ac',
  tokenUrl: 'https://esia.example/aas/oauth2/v3/te',
  redirectUri: 'https://diary.example/api/v1/auth/esia/callback',
  scope: 'openid fullname',
};
const STATE = '0b6f3c52-3f1e-4a57-9d0c-6f1e0d3e2a11';
const TOKENS: IdentityTokens = { accessToken: 'at', oid: '1000000001', scopes: ['openid'], expiresAt: new Date(0) };

/** Signed as the port signs: every parameter, the GOST ones among them (values here are stand-ins). */
const authorization: SignedRequest = {
  params: {
    client_id: CLIENT.clientId,
    client_secret: 'c2lnbmF0dXJl+/=',
    client_certificate_hash: 'ab12',
    redirect_uri: CLIENT.redirectUri,
    scope: CLIENT.scope,
    response_type: 'code',
    state: STATE,
    access_type: 'online',
    timestamp: '2026.12.01 12:00:00 +0000',
  },
};
const token: SignedRequest = {
  params: {
    client_id: CLIENT.clientId,
    code: 'the-code',
    grant_type: 'authorization_code',
    client_secret: 'dG9rZW4tc2lnbmF0dXJl',
    client_certificate_hash: 'ab12',
    state: '5f0c1a9e-8d7b-4c3a-9e2f-1b0a9c8d7e6f',
    redirect_uri: CLIENT.redirectUri,
    scope: CLIENT.scope,
    timestamp: '2026.12.01 12:00:01 +0000',
    token_type: 'Bearer',
  },
};

const built: EsiaStrategy[] = [];
afterAll(() => built.forEach((s) => s.onModuleDestroy()));

function setup() {
  const exchangeCode = jest.fn(async (_code: string, _signed?: SignedRequest): Promise<IdentityTokens> => TOKENS);
  const idp = { client: CLIENT, exchangeCode } as unknown as IdentityProvider;
  const decide = jest.fn(async (): Promise<CallbackOutcome> => ({ ticket: 't' }));
  const strategy = new EsiaStrategy(idp, { decide } as unknown as EsiaSignInService);
  built.push(strategy);

  /** One passport.authenticate, as passport's middleware runs a strategy: a copy with the outcome actions. */
  const run = (query: Record<string, string>, esiaFlow: EsiaFlowContext, options: EsiaAuthenticateOptions) =>
    new Promise<{ redirect?: string; success?: unknown; info?: unknown; fail?: unknown; error?: unknown }>((resolve) => {
      const s = Object.create(strategy) as EsiaStrategy & Record<string, (...a: unknown[]) => void>;
      s.redirect = (url) => resolve({ redirect: url as string });
      s.success = (user, info) => resolve({ success: user, info });
      s.fail = (challenge) => resolve({ fail: challenge });
      s.error = (err) => resolve({ error: err });
      const req = { query, headers: {}, esiaFlow } as unknown as EsiaFlowRequest;
      s.authenticate(req as Request, options);
    });
  return { run, exchangeCode, decide };
}

const client = { ip: '10.0.0.1', userAgent: 'jest' };

describe('EsiaStrategy (passport-oauth2)', () => {
  it('authorization leg: redirects to ESIA with the signed parameters and the state the guard stored, whatever the login URL carries', async () => {
    const { run } = setup();
    const started = { state: STATE, browserSecret: 'secret', authorization };
    const out = await run(
      { code: 'stray', error: 'stray' },
      { client, started },
      { session: false, property: 'x', leg: 'authorization', signed: authorization },
    );
    const url = new URL(out.redirect!);
    expect(`${url.origin}${url.pathname}`).toBe(CLIENT.authorizationUrl);
    expect(Object.fromEntries(url.searchParams)).toEqual(authorization.params);
  });

  it('callback leg: the state the guard took is the one passport checks; the signed token request goes through the port; verify decides', async () => {
    const { run, exchangeCode, decide } = setup();
    const purpose = { kind: 'link' as const, userId: 'u1', sessionId: 's1' };
    const out = await run(
      { code: 'the-code', state: STATE },
      { client, opened: { purpose, token } },
      { session: false, property: 'x', leg: 'callback', signed: token },
    );
    expect(out.success).toEqual({ ticket: 't' });
    expect(exchangeCode).toHaveBeenCalledWith('the-code', { params: token.params });
    expect(decide).toHaveBeenCalledWith(purpose, TOKENS, client);
  });

  it("callback leg: a state that was not taken fails; ESIA's access_denied fails and other errors are errors, before any exchange", async () => {
    const { run, exchangeCode } = setup();
    const options: EsiaAuthenticateOptions = { session: false, property: 'x', leg: 'callback' };
    expect(await run({ code: 'the-code', state: STATE }, { client }, options)).toHaveProperty('fail');
    expect(await run({ error: 'access_denied', state: STATE }, { client, opened: { purpose: { kind: 'login' } } }, options)).toHaveProperty(
      'fail',
    );
    const other = await run(
      { error: 'server_error', error_description: 'ESIA-007002', state: STATE },
      { client, opened: { purpose: { kind: 'login' } } },
      options,
    );
    expect(other.error).toMatchObject({ name: 'AuthorizationError', code: 'server_error' });
    expect(exchangeCode).not.toHaveBeenCalled();
  });

  it("callback leg: a refused exchange comes out as an error carrying the port's own error", async () => {
    const { run, exchangeCode } = setup();
    const refused = new Error('ESIA_UNAVAILABLE');
    exchangeCode.mockRejectedValueOnce(refused);
    const out = await run(
      { code: 'the-code', state: STATE },
      { client, opened: { purpose: { kind: 'login' }, token } },
      { session: false, property: 'x', leg: 'callback', signed: token },
    );
    expect(out.error).toMatchObject({ name: 'InternalOAuthError', oauthError: refused });
  });
});
