import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Principal } from '../../common/auth/principal';
import { IS_PUBLIC } from '../../common/decorators/public.decorator';
import { CommonErrors } from '../../common/errors/app-error';
import { AccessTokenVerifier } from './access-token.verifier';
import { AuthErrors } from './auth.errors';
import { SessionsService } from './sessions.service';
import { principalFromClaims } from './token.service';

/** `Bearer <token>`, scheme in any case (RFC 7235). */
const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/**
 * Global guard: every route needs a valid access token unless marked @Public(). Signature and expiry,
 * plus one Redis lookup for revoked sessions; no database. Sets `request.user` for @CurrentUser and RolesGuard.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; user?: Principal }>();
    const header = req.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw CommonErrors.unauthorized();
    const claims = this.verifier.verify(token);
    if (await this.sessions.isRevoked(claims.sid)) throw AuthErrors.sessionRevoked();
    req.user = principalFromClaims(claims);
    return true;
  }
}
