import { SetMetadata } from '@nestjs/common';
import { Role } from '../auth/role';

export const ROLES = 'diary:roles';

/** The caller needs at least one of these roles. Row-level checks are the policies' job. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);
