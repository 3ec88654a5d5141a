import { JwtService } from '@nestjs/jwt';
import { createHmac, KeyObject } from 'node:crypto';
import { Role } from '../../common/auth/role';
import { AppError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { accessTokenKey, AccessTokenVerifier } from './access-token.verifier';
import { TokenService } from './token.service';

const SECRET = 'unit-test-jwt-secret-0123456789abcdef0123456789';
const TTL = 900;
const key = accessTokenKey(SECRET);
// Issued exactly as in production: JwtService configured as AuthModule does, through TokenService.
const jwt = new JwtService({ privateKey: key, signOptions: { algorithm: 'HS256' } });
const tokens = new TokenService(jwt, { jwtAccessTtlSec: TTL } as AppConfig);
const user = {
  id: '11111111-1111-4111-8111-111111111111',
  roles: [Role.Teacher],
  schoolId: '22222222-2222-4222-8222-222222222222',
  regionId: null,
  authVersion: 3,
};
const SID = '33333333-3333-4333-8333-333333333333';

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
/** A compact JWS with any header and payload segments, correctly HMAC-SHA256-signed with `k`. */
const signRaw = (headerSeg: string, payloadSeg: string, k: KeyObject = key): string =>
  `${headerSeg}.${payloadSeg}.${createHmac('sha256', k).update(`${headerSeg}.${payloadSeg}`).digest('base64url')}`;
const HS256 = b64({ alg: 'HS256', typ: 'JWT' });
const nowSec = (): number => Math.floor(Date.now() / 1000);
const claims = (o: Record<string, unknown> = {}): Record<string, unknown> => ({
  sub: user.id,
  sid: SID,
  roles: ['teacher'],
  sch: user.schoolId,
  reg: null,
  iat: nowSec(),
  exp: nowSec() + TTL,
  ...o,
});

function refusal(verifier: AccessTokenVerifier, token: string): string {
  try {
    verifier.verify(token);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).statusCode).toBe(401);
    return (e as AppError).code;
  }
  throw new Error('token was accepted');
}

describe('AccessTokenVerifier', () => {
  const verifier = new AccessTokenVerifier(key);
  const unauthorized = (token: string): void => expect(refusal(verifier, token)).toBe('UNAUTHORIZED');

  it('accepts a token issued by TokenService (JwtService) and returns its claims', () => {
    const c = verifier.verify(tokens.signAccess(user, SID));
    expect(c).toMatchObject({ sub: user.id, sid: SID, roles: ['teacher'], sch: user.schoolId, reg: null, av: 3 });
    expect(c.sub).toBe(user.id);
  });

  it('accepts a hand-built HS256 token with the same claims (the check is not tied to jsonwebtoken output)', () => {
    expect(verifier.verify(signRaw(HS256, b64(claims()))).sid).toBe(SID);
  });

  it('accepts a token without `av` (issued before it existed) and refuses a malformed one', () => {
    expect(verifier.verify(signRaw(HS256, b64(claims()))).av).toBeUndefined();
    expect(verifier.verify(signRaw(HS256, b64(claims({ av: 0 })))).av).toBe(0);
    for (const av of [-1, 1.5, '2', null, 2 ** 53]) unauthorized(signRaw(HS256, b64(claims({ av }))));
  });

  it('refuses a tampered payload and a tampered signature', () => {
    const [h, p, s] = tokens.signAccess(user, SID).split('.');
    const escalated = b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), roles: ['platform_admin'] });
    unauthorized(`${h}.${escalated}.${s}`);
    const flipped = s[0] === 'A' ? `B${s.slice(1)}` : `A${s.slice(1)}`;
    unauthorized(`${h}.${p}.${flipped}`);
    unauthorized(`${h}.${p}.${s.slice(0, -1)}`);
    unauthorized(`${h}.${p}.`);
  });

  it('refuses a signature that only decodes to the right bytes (padding, non-canonical last character)', () => {
    const [h, p, s] = tokens.signAccess(user, SID).split('.');
    unauthorized(`${h}.${p}.${s}=`);
    // 43 characters carry 258 bits for 32 bytes: the last character's two low bits are ignored by decoders.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = `${s.slice(0, -1)}${alphabet[alphabet.indexOf(s[s.length - 1]) ^ 1]}`;
    expect(Buffer.from(sibling, 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
    unauthorized(`${h}.${p}.${sibling}`);
  });

  it('refuses alg none, with or without a signature, in any spelling', () => {
    const p = b64(claims());
    unauthorized(`${b64({ alg: 'none', typ: 'JWT' })}.${p}.`);
    unauthorized(`${b64({ alg: 'None' })}.${p}.`);
    unauthorized(signRaw(b64({ alg: 'none', typ: 'JWT' }), p)); // a valid HMAC does not make `none` acceptable
    unauthorized(signRaw(b64({ typ: 'JWT' }), p));
  });

  it('refuses a foreign header every time, also right after an HS256 token (only HS256 headers are remembered)', () => {
    const none = b64({ alg: 'none', typ: 'JWT' });
    const hs512 = b64({ alg: 'HS512', typ: 'JWT' });
    for (let i = 0; i < 2; i++) {
      expect(verifier.verify(tokens.signAccess(user, SID)).sid).toBe(SID);
      unauthorized(signRaw(none, b64(claims())));
      unauthorized(signRaw(none, b64(claims())));
      unauthorized(signRaw(hs512, b64(claims())));
      unauthorized(signRaw(hs512, b64(claims())));
    }
  });

  it('refuses other algorithms even over the right key: HS512 from JwtService, RS256 or lower-case hs256 headers', () => {
    const hs512 = jwt.sign({ sub: user.id, sid: SID, roles: ['teacher'], sch: null, reg: null }, { algorithm: 'HS512', expiresIn: TTL });
    expect(JSON.parse(Buffer.from(hs512.split('.')[0], 'base64url').toString()).alg).toBe('HS512');
    unauthorized(hs512);
    unauthorized(signRaw(b64({ alg: 'RS256', typ: 'JWT' }), b64(claims())));
    unauthorized(signRaw(b64({ alg: 'hs256', typ: 'JWT' }), b64(claims())));
    unauthorized(signRaw(b64({ alg: ['HS256'] }), b64(claims())));
  });

  it('refuses a token signed with another secret, from JwtService or by hand', () => {
    const other = accessTokenKey('another-secret-of-sufficient-length-0123456789');
    const foreign = new TokenService(new JwtService({ privateKey: other, signOptions: { algorithm: 'HS256' } }), {
      jwtAccessTtlSec: TTL,
    } as AppConfig);
    unauthorized(foreign.signAccess(user, SID));
    unauthorized(signRaw(HS256, b64(claims()), other));
  });

  it('answers TOKEN_EXPIRED once exp has passed (and at exp itself), but only when the signature holds', () => {
    const token = tokens.signAccess(user, SID);
    const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;
    expect(new AccessTokenVerifier(key, () => (exp - 1) * 1000 + 999).verify(token).sid).toBe(SID);
    expect(refusal(new AccessTokenVerifier(key, () => exp * 1000), token)).toBe('TOKEN_EXPIRED');
    expect(refusal(new AccessTokenVerifier(key, () => Date.now() + (TTL + 60) * 1000), token)).toBe('TOKEN_EXPIRED');
    expect(refusal(verifier, signRaw(HS256, b64(claims({ exp: nowSec() - 10 }))))).toBe('TOKEN_EXPIRED');
    // an expired token with a bad signature says nothing about its expiry
    const [h, p] = token.split('.');
    expect(refusal(new AccessTokenVerifier(key, () => exp * 1000), `${h}.${p}.${'A'.repeat(43)}`)).toBe('UNAUTHORIZED');
    expect(refusal(verifier, signRaw(HS256, b64(claims({ exp: nowSec() - 10 })), accessTokenKey('x'.repeat(40))))).toBe('UNAUTHORIZED');
  });

  it('refuses a token that is not valid yet (nbf in the future), accepts nbf now or in the past', () => {
    const notYet = jwt.sign({ sub: user.id, sid: SID, roles: ['teacher'], sch: null, reg: null }, { expiresIn: TTL, notBefore: 60 });
    unauthorized(notYet);
    expect(new AccessTokenVerifier(key, () => Date.now() + 61_000).verify(notYet).sid).toBe(SID);
    unauthorized(signRaw(HS256, b64(claims({ nbf: nowSec() + 1 }))));
    unauthorized(signRaw(HS256, b64(claims({ nbf: String(nowSec() - 10) }))));
    expect(verifier.verify(signRaw(HS256, b64(claims({ nbf: nowSec() })))).sid).toBe(SID);
  });

  it('refuses a signed token without a numeric exp', () => {
    unauthorized(signRaw(HS256, b64(claims({ exp: undefined }))));
    unauthorized(signRaw(HS256, b64(claims({ exp: String(nowSec() + TTL) }))));
    unauthorized(signRaw(HS256, b64(claims({ exp: null }))));
  });

  it('refuses signed tokens whose claims do not have the shape we issue', () => {
    unauthorized(signRaw(HS256, b64(claims({ sub: undefined }))));
    unauthorized(signRaw(HS256, b64(claims({ sub: '' }))));
    unauthorized(signRaw(HS256, b64(claims({ sub: 42 }))));
    unauthorized(signRaw(HS256, b64(claims({ sid: undefined }))));
    unauthorized(signRaw(HS256, b64(claims({ sid: { id: SID } }))));
    unauthorized(signRaw(HS256, b64(claims({ roles: 'platform_admin' }))));
    unauthorized(signRaw(HS256, b64(claims({ roles: undefined }))));
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['not a JWT at all', 'not-a-jwt'],
    ['two parts', `${HS256}.${b64(claims())}`],
    ['four parts', `${signRaw(HS256, b64(claims()))}.x`],
    ['five parts (JWE shape)', `${HS256}.a.b.c.d`],
    ['bad base64 header', `!!!.${b64(claims())}.sig`],
    ['non-JSON header', signRaw(b64('HS256'), b64(claims()))],
    ['header that is JSON null', signRaw(b64('null'), b64(claims()))],
    ['signed bad base64 payload', signRaw(HS256, '***')],
    ['signed non-JSON payload', signRaw(HS256, b64('{"sub": "x", '))],
    ['signed JSON array payload', signRaw(HS256, b64([claims()]))],
    ['signed JSON string payload', signRaw(HS256, b64('"hello"'))],
    ['signed empty payload', signRaw(HS256, '')],
  ])('refuses a malformed token: %s', (_name, token) => {
    unauthorized(token);
  });

  it('refuses to be built with a key that is not a secret key', () => {
    const { privateKey } = require('node:crypto').generateKeyPairSync('ed25519') as { privateKey: KeyObject };
    expect(() => new AccessTokenVerifier(privateKey)).toThrow('secret');
  });
});
