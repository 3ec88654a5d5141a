import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import { requestClient } from '../../../common/decorators/client-info.decorator';
import { AuthService, PasswordChecked } from '../auth.service';
import { releaseStrategy, trackStrategy } from './passport-registry';

export const LOCAL_STRATEGY = 'local';

/**
 * The diary login and password (POST /auth/login through LocalAuthGuard): the per-IP rate limit, then the
 * password under the lockout rules, written to the login history (AuthService.checkPassword). Throws
 * TOO_MANY_LOGIN_ATTEMPTS, INVALID_CREDENTIALS, ACCOUNT_LOCKED or ACCOUNT_DISABLED; the rest of the sign-in
 * (region policy, second factor, session) is AuthService.login's.
 */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, LOCAL_STRATEGY) implements OnModuleDestroy {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'login', passwordField: 'password', passReqToCallback: true, session: false });
    trackStrategy(LOCAL_STRATEGY, this);
  }

  validate(req: Request, login: string, password: string): Promise<PasswordChecked> {
    return this.auth.checkPassword(login, password, requestClient(req));
  }

  onModuleDestroy(): void {
    releaseStrategy(LOCAL_STRATEGY, this);
  }
}
