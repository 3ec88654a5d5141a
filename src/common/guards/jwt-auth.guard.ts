import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError, CommonErrorCode } from '../errors/app-error';
import { IS_PUBLIC } from '../decorators/public.decorator';

/** Global guard: every route needs a valid access token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    return super.canActivate(context);
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (err instanceof AppError) throw err;
    if (err || !user) {
      if ((info as Error | undefined)?.name === 'TokenExpiredError') {
        throw new AppError(CommonErrorCode.TokenExpired, 'Срок действия входа истёк, обновите токен', 401);
      }
      throw new AppError(CommonErrorCode.Unauthorized, 'Требуется вход в систему', 401);
    }
    return user;
  }
}
