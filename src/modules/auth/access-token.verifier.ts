import { createHmac, createSecretKey, KeyObject, timingSafeEqual } from 'node:crypto';
import { CommonErrors } from '../../common/errors/app-error';
import { AccessClaims } from './token.service';

/**
 * The HMAC key for access tokens, as a KeyObject: jsonwebtoken (which still signs them, through
 * JwtService) would otherwise try to parse a string secret as a PEM key every time.
 */
export const accessTokenKey = (secret: string): KeyObject => createSecretKey(Buffer.from(secret, 'utf8'));

/**
 * Checks our own access tokens on every request: compact JWS, HS256 only, signature, `nbf`/`exp`, claim
 * shapes. Written out rather than passport-jwt + jsonwebtoken, which cost ~7% of the API's CPU for what
 * is one HMAC and two JSON.parse calls. Tokens are still issued by JwtService (TokenService), so they
 * stay standard JWTs. Throws TOKEN_EXPIRED for an expired token whose signature holds, UNAUTHORIZED for
 * anything else, and says nothing about which check failed.
 */
export class AccessTokenVerifier {
  private knownHeader = '';

  constructor(
    private readonly key: KeyObject,
    /** Clock (ms since epoch), for tests. */
    private readonly now: () => number = Date.now,
  ) {
    if (key.type !== 'secret') throw new Error('AccessTokenVerifier needs a secret (HMAC) key');
  }

  verify(token: string): AccessClaims {
    const dot1 = token.indexOf('.');
    const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    if (dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) throw CommonErrors.unauthorized();

    // The algorithm is ours to choose, never the token's: `none`, HS512, RS256… are all refused. Every token
    // we issue has the same header segment, so the last one seen to say HS256 is not decoded again.
    const headerSegment = token.slice(0, dot1);
    if (headerSegment !== this.knownHeader) {
      if (parseJsonSegment(headerSegment)?.alg !== 'HS256') throw CommonErrors.unauthorized();
      this.knownHeader = headerSegment;
    }

    // Compared as base64url text, as jws does: a signature segment that merely decodes to the right bytes
    // (padding, stray characters, other trailing bits) is not the one we issued.
    const expected = Buffer.from(createHmac('sha256', this.key).update(token.slice(0, dot2)).digest('base64url'));
    const given = Buffer.from(token.slice(dot2 + 1));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw CommonErrors.unauthorized();

    const c = parseJsonSegment(token.slice(dot1 + 1, dot2));
    if (!c) throw CommonErrors.unauthorized();
    // Whole seconds and no leeway, like jsonwebtoken: tokens are issued and checked by the same servers.
    const nowSec = Math.floor(this.now() / 1000);
    if (c.nbf !== undefined && (typeof c.nbf !== 'number' || c.nbf > nowSec)) throw CommonErrors.unauthorized();
    if (typeof c.exp !== 'number' || !Number.isFinite(c.exp)) throw CommonErrors.unauthorized();
    if (nowSec >= c.exp) throw CommonErrors.tokenExpired();
    if (typeof c.sub !== 'string' || c.sub === '' || typeof c.sid !== 'string' || c.sid === '' || !Array.isArray(c.roles)) {
      throw CommonErrors.unauthorized();
    }
    if (c.av !== undefined && !(Number.isSafeInteger(c.av) && (c.av as number) >= 0)) throw CommonErrors.unauthorized();
    return c as unknown as AccessClaims;
  }
}

/** A base64url JSON object, or null for anything else (bad base64 decodes to garbage, which fails JSON.parse). */
function parseJsonSegment(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
