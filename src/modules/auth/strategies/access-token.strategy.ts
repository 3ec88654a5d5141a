import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { Principal } from '../../../common/auth/principal';
import { CommonErrors } from '../../../common/errors/app-error';
import { AccessTokenVerifier } from '../access-token.verifier';
import { SessionCheck } from '../session-check';
import { releaseStrategy, trackStrategy } from './passport-registry';

export const ACCESS_TOKEN_STRATEGY = 'access-token';

/** `Bearer <token>`, scheme in any case (RFC 7235). */
const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/**
 * Our own access token, as a passport strategy (AccessTokenGuard runs it on every route but @Public ones):
 * signature and expiry (AccessTokenVerifier, no database), then SessionCheck — one Redis round trip
 * (revoked session, access changes since the token was issued); the database only when the account changed
 * or Redis is down. The principal has the current roles and placement when they changed after the token
 * was issued. Throws UNAUTHORIZED, TOKEN_EXPIRED or SESSION_REVOKED.
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) implements OnModuleDestroy {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly sessions: SessionCheck,
  ) {
    super();
    trackStrategy(ACCESS_TOKEN_STRATEGY, this);
  }

  validate(req: Request): Promise<Principal> {
    const header = req.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw CommonErrors.unauthorized();
    return this.sessions.principalFor(this.verifier.verify(token));
  }

  onModuleDestroy(): void {
    releaseStrategy(ACCESS_TOKEN_STRATEGY, this);
  }
}
