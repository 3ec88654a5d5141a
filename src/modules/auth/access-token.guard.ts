import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Principal } from '../../common/auth/principal';
import { IS_PUBLIC } from '../../common/decorators/public.decorator';
import { CommonErrors } from '../../common/errors/app-error';
import { AccessTokenVerifier } from './access-token.verifier';
import { SessionCheck } from './session-check';

/** `Bearer <token>`, scheme in any case (RFC 7235). */
const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/**
 * Global guard: every route needs a valid access token unless marked @Public(). Signature and expiry, then
 * SessionCheck: one Redis round trip (revoked session, access changes since the token was issued); the database
 * only when the account changed or Redis is down. Sets `request.user` for @CurrentUser and RolesGuard, with the
 * current roles and placement when they changed after the token was issued.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly sessions: SessionCheck,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; user?: Principal }>();
    const header = req.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw CommonErrors.unauthorized();
    req.user = await this.sessions.principalFor(this.verifier.verify(token));
    return true;
  }
}
