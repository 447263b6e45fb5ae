import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../env.js';

/** True when an `If-None-Match` value matches the ETag (weak comparison, `*`, lists). */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

/**
 * Weak `ETag` on successful GET responses, from a hash of the body, and `304 Not Modified` when
 * `If-None-Match` matches. The hash is the injected synchronous one (no async digest per request).
 */
export function etag(hash: (input: string) => string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method !== 'GET' || c.res.status !== 200 || c.res.headers.has('etag')) return;
    const body = await c.res.clone().text();
    const tag = `W/"${hash(body).slice(0, 32)}"`;
    const ifNoneMatch = c.req.header('if-none-match');
    if (ifNoneMatch && etagMatches(ifNoneMatch, tag)) {
      const headers = new Headers(c.res.headers);
      headers.delete('content-type');
      headers.delete('content-length');
      headers.set('ETag', tag);
      c.res = undefined;
      c.res = new Response(null, { status: 304, headers });
      return;
    }
    c.res.headers.set('ETag', tag);
  };
}
