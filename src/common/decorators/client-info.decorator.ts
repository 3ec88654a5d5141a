import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { isIP } from 'node:net';

export interface RequestClient {
  ip: string | null;
  userAgent: string | null;
}

/** The caller's IP (behind a proxy only when TRUST_PROXY is on) and user agent. */
export const Client = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestClient =>
  requestClient(ctx.switchToHttp().getRequest<Request>()),
);

/** What @Client() reads, for code that has the request itself (a passport strategy). */
export function requestClient(req: Request): RequestClient {
  const raw = (req.ip ?? '').replace(/^::ffff:/, '');
  const ua = req.headers['user-agent'];
  return { ip: isIP(raw) ? raw : null, userAgent: typeof ua === 'string' && ua.length > 0 ? ua : null };
}
