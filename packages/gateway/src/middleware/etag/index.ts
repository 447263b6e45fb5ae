import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../env.js';

/** True when an `If-None-Match` value matches the ETag (weak comparison, `*`, lists). */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

/** Where `c.json` leaves the text it sent, on the response it made. */
const JSON_TEXT = Symbol('lendwire.etag.jsonText');
type WithJsonText = Response & { [JSON_TEXT]?: string };

/** Hono's own `c.json` (the text through `c.body`, with a JSON content type), keeping the text on the response. */
function jsonKeepingText(this: Context, object: unknown, arg?: unknown, headers?: Record<string, string | string[]>) {
  const text = JSON.stringify(object);
  const res: WithJsonText = (this.body as (...args: unknown[]) => Response)(text, arg, {
    'Content-Type': 'application/json',
    ...headers,
  });
  res[JSON_TEXT] = text;
  return res;
}

/**
 * Weak `ETag` on successful GET responses, from a hash of the body, and `304 Not Modified` when
 * `If-None-Match` matches. The hash is the injected synchronous one (no async digest per request).
 *
 * A body sent with `c.json` is hashed as the text `c.json` serialised, so the response is never read
 * back: reading a body (or cloning a response) turns it into a stream, and on Node takes
 * @hono/node-server off its fast path for the write; with `hono/cors` doing the same, that was over
 * half of what `GET /v1/me` cost (`pnpm bench:gateway`). Any other body is read once and the response
 * rebuilt around the text.
 */
export function etag(hash: (input: string) => string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'GET') return next();
    // A bound function rather than a closure over `c`: with a fresh closure per request stored on the
    // context, V8 kept every request's objects past young-generation GCs (+11 µs per request, measured).
    c.json = jsonKeepingText.bind(c) as typeof c.json;
    await next();
    if (c.res.status !== 200 || c.res.headers.has('etag')) return;
    let body = (c.res as WithJsonText)[JSON_TEXT];
    if (body === undefined) {
      const res = c.res;
      body = await res.text();
      c.res = undefined;
      c.res = new Response(body, { status: res.status, headers: res.headers });
    }
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
