import type { Request, Response } from 'express';
import { CachedJson } from './read-cache';

/**
 * Sends an assembled view as is (no second serialisation or encoding), gzipped when the client accepts
 * it (browsers and mobile HTTP clients do by default). The entity tag lets a client revalidate: express
 * answers 304 when If-None-Match matches. `private, no-cache`: a shared cache must not keep a child's
 * diary, and the client must revalidate before reuse.
 */
export function replyJson(req: Request, res: Response, view: CachedJson): void {
  const gzip = view.gzip && req.acceptsEncodings('gzip', 'identity') === 'gzip';
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('Vary', 'Accept-Encoding');
  // weak tags: the same view in either coding; distinct, so a cache never mixes the two bodies up
  res.setHeader('ETag', gzip ? `W/"${view.etag}-gz"` : `W/"${view.etag}"`);
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.send(gzip ? view.gzip : view.body);
}
