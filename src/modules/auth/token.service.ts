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

  signAccess(user: { id: string; roles: Role[]; schoolId: string | null; regionId: string | null }, sessionId: string): string {
    const claims: AccessClaims = { sub: user.id, sid: sessionId, roles: user.roles, sch: user.schoolId, reg: user.regionId };
    return this.jwt.sign(claims, { expiresIn: this.config.jwtAccessTtlSec, algorithm: 'HS256' });
  }
}

export const principalFromClaims = (c: AccessClaims): Principal => ({
  userId: c.sub,
  sessionId: c.sid,
  roles: c.roles,
  schoolId: c.sch,
  regionId: c.reg,
});
