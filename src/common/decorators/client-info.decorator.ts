import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { isIP } from 'node:net';

export interface RequestClient {
  ip: string | null;
  userAgent: string | null;
}

/** The caller's IP (behind a proxy only when TRUST_PROXY is on) and user agent. */
export const Client = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestClient => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const raw = (req.ip ?? '').replace(/^::ffff:/, '');
  const ua = req.headers['user-agent'];
  return { ip: isIP(raw) ? raw : null, userAgent: typeof ua === 'string' && ua.length > 0 ? ua : null };
});
