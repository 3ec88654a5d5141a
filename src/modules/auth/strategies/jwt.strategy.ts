import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Principal } from '../../../common/auth/principal';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { AuthErrors } from '../auth.errors';
import { SessionsService } from '../sessions.service';
import { AccessClaims, principalFromClaims } from '../token.service';

/** Bearer access token: signature and expiry, plus one Redis lookup for revoked sessions. No database write. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a PEM public
      // key on every request (it throws and falls back), which took a quarter of the API's CPU.
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) as unknown as string,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessClaims): Promise<Principal> {
    if (!claims?.sub || !claims.sid || !Array.isArray(claims.roles)) throw AuthErrors.sessionRevoked();
    if (await this.sessions.isRevoked(claims.sid)) throw AuthErrors.sessionRevoked();
    return principalFromClaims(claims);
  }
}
