import compression from 'compression';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { constants as zlib } from 'node:zlib';
import { AppConfig } from '../../config/app-config';

/** Request headers a browser client may send to the API from another origin. */
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Accept', 'Accept-Language', 'Idempotency-Key', 'If-None-Match', 'Last-Event-ID'];
/** Response headers such a client may read. */
const EXPOSED_HEADERS = ['Retry-After', 'ETag', 'Idempotent-Replayed', 'Content-Disposition', 'X-Request-Id'];

/**
 * CORS from the allow-list (CORS_ORIGINS, default FRONTEND_URL's origin). The API authenticates with the
 * Bearer header, never with cookies: the one cookie (the ESIA flow's) travels on top-level navigations,
 * which CORS does not govern, so `Access-Control-Allow-Credentials` is never sent. A preflight from an
 * origin not on the list is answered 204 without any Access-Control-Allow-* header, so the browser refuses.
 */
export function corsMiddleware(config: AppConfig): RequestHandler {
  const allowed = new Set(config.corsOrigins);
  const methods = 'GET,HEAD,POST,PUT,PATCH,DELETE';
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    res.vary('Origin');
    const ok = allowed.has(origin);
    if (ok) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS.join(', '));
    }
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return next();
    if (ok) {
      res.setHeader('Access-Control-Allow-Methods', methods);
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS.join(', '));
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
  };
}

/**
 * gzip or br for answers over 1 KB. Not for Server-Sent Events (a compressor would hold events back) and
 * not for answers that are already encoded (the read cache sends its own gzip copy). Brotli at quality 4:
 * the default 11 costs far more CPU than it saves bytes on JSON of this size.
 */
export function compressionMiddleware(): RequestHandler {
  return compression({
    threshold: 1024,
    brotli: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
    filter: (req, res) => {
      const type = String(res.getHeader('Content-Type') ?? '');
      if (type.startsWith('text/event-stream')) return false;
      return compression.filter(req, res);
    },
  });
}
