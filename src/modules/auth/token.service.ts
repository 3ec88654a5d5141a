import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

/** Claims of our access token. Short names keep the header small on every request. */
export interface AccessClaims {
  sub: string;
  sid: string;
  roles: Role[];
  sch: string | null;
  reg: string | null;
  /**
   * users.auth_version when the token was issued. A newer version published in Redis sends the request to
   * PostgreSQL for the current roles and placement, or refuses it (SessionCheck, docs/security.md). Absent in
   * tokens issued before the field existed: read as 0.
   */
  av?: number;
}

@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get accessTtlSec(): number {
    return this.config.jwtAccessTtlSec;
  }

  signAccess(
    user: { id: string; roles: Role[]; schoolId: string | null; regionId: string | null; authVersion: number },
    sessionId: string,
  ): string {
    const claims: AccessClaims = {
      sub: user.id,
      sid: sessionId,
      roles: user.roles,
      sch: user.schoolId,
      reg: user.regionId,
      av: user.authVersion,
    };
    return this.jwt.sign(claims, { expiresIn: this.config.jwtAccessTtlSec, algorithm: 'HS256' });
  }
}

export const principalFromClaims = (c: AccessClaims): Principal => ({
  userId: c.sub,
  sessionId: c.sid,
  roles: c.roles,
  schoolId: c.sch,
  regionId: c.reg,
  authVersion: c.av ?? 0,
});
