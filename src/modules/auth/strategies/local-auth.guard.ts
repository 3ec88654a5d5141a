import { createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { createValidationPipe } from '../../../core/http/validation';
import { AuthErrors } from '../auth.errors';
import { PasswordChecked } from '../auth.service';
import { LoginDto } from '../dto/auth.dto';
import { LOCAL_STRATEGY } from './local.strategy';

/** Where the guard leaves the checked password: not `request.user`, which is the principal of an access token. */
const PROPERTY = 'passwordChecked';

/**
 * The `local` passport strategy on POST /auth/login. Guards run before pipes, so the body is validated here
 * first, with the same pipe and LoginDto: a bad body is VALIDATION_FAILED, never passport-local's own
 * "Missing credentials", and nothing is counted towards the rate limit or the lockout.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard(LOCAL_STRATEGY) {
  private readonly validation = createValidationPipe();

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    req.body = await this.validation.transform(req.body, { type: 'body', metatype: LoginDto });
    return super.canActivate(context) as Promise<boolean>;
  }

  override getAuthenticateOptions(): { property: string; session: boolean } {
    return { property: PROPERTY, session: false };
  }

  override handleRequest<T = PasswordChecked>(err: unknown, checked: T | false): T {
    if (err) throw err;
    if (!checked) throw AuthErrors.invalidCredentials();
    return checked;
  }
}

/** The password check LocalAuthGuard passed (on a route behind it only). */
export const CheckedPassword = createParamDecorator((_data: unknown, ctx: ExecutionContext): PasswordChecked => {
  const checked = ctx.switchToHttp().getRequest<{ [PROPERTY]?: PasswordChecked }>()[PROPERTY];
  if (!checked) throw new Error('CheckedPassword used on a route without LocalAuthGuard');
  return checked;
});
