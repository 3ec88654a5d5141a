import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Principal } from '../auth/principal';
import { Role } from '../auth/role';
import { ROLES } from '../decorators/roles.decorator';
import { forbidden } from '../errors/app-error';

/** Global guard: a route with @Roles needs one of them. Row-level checks are the policies' job. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, [context.getHandler(), context.getClass()]);
    if (!roles?.length) return true;
    const user = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!user || !roles.some((r) => user.roles.includes(r))) throw forbidden();
    return true;
  }
}
