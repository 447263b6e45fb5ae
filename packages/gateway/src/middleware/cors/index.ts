import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import type { AppEnv } from '../../env.js';

/** Options of {@link cors}. */
export interface CorsOptions {
  /** Origins allowed to read responses; `*` allows any (the caller's origin is echoed back). */
  origins: string[];
  allowHeaders: string[];
  allowMethods: string[];
  exposeHeaders: string[];
  /** Seconds a preflight answer may be cached. */
  maxAge: number;
}

/**
 * CORS with the headers `hono/cors` sends. Preflights (`OPTIONS`) are answered by `hono/cors` itself;
 * on every other request the same headers are added to the response's own headers once it exists.
 * `hono/cors` writes them to `c.res` before the handler runs and calls `c.header()` after it, and
 * either makes Hono rebuild the handler's response from its body stream, which on Node takes
 * @hono/node-server off its fast path for every response.
 */
export function cors(options: CorsOptions): MiddlewareHandler<AppEnv> {
  const { origins, allowHeaders, allowMethods, exposeHeaders, maxAge } = options;
  const allowOrigin = (origin: string) => (origins.includes('*') || origins.includes(origin) ? origin : null);
  const preflight = honoCors({ origin: allowOrigin, allowHeaders, allowMethods, exposeHeaders, maxAge });
  const exposed = exposeHeaders.join(',');
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    await next();
    const headers = c.res.headers;
    const origin = allowOrigin(c.req.header('origin') || '');
    if (origin) headers.set('Access-Control-Allow-Origin', origin);
    if (exposed) headers.set('Access-Control-Expose-Headers', exposed);
    headers.append('Vary', 'Origin');
  };
}
