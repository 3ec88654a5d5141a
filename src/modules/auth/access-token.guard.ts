import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { Principal } from '../../common/auth/principal';
import { IS_PUBLIC } from '../../common/decorators/public.decorator';
import { CommonErrors } from '../../common/errors/app-error';
import { ACCESS_TOKEN_STRATEGY } from './strategies/access-token.strategy';

/**
 * Global guard: every route needs a valid access token unless marked @Public(). Runs the `access-token`
 * passport strategy (strategies/access-token.strategy.ts), which sets `request.user` for @CurrentUser and
 * RolesGuard. Its refusals (UNAUTHORIZED, TOKEN_EXPIRED, SESSION_REVOKED) go out as they are: passport's own
 * bare 401 never does.
 */
@Injectable()
export class AccessTokenGuard extends AuthGuard(ACCESS_TOKEN_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    return super.canActivate(context) as Promise<boolean>;
  }

  override handleRequest<T = Principal>(err: unknown, user: T | false): T {
    if (err) throw err;
    if (!user) throw CommonErrors.unauthorized();
    return user;
  }
}
