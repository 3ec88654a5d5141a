import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Principal } from '../auth/principal';

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<{ user?: Principal }>();
  if (!req.user) throw new Error('CurrentUser used on a route without authentication');
  return req.user;
});
