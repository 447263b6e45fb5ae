import type { Context } from 'hono';

type NodeBindings = { incoming?: { headers?: Record<string, string | string[] | undefined> } } | undefined;

/**
 * Reads a request header (lower-case `name`). On Node the adapter passes the `IncomingMessage`,
 * whose headers Node has already parsed into a plain object: reading from it spares building a
 * Web `Headers` object per request on the hot path. Elsewhere (Workers, Deno, Bun, tests) this is
 * `c.req.header(name)`. Repeated headers read as their comma-joined value either way.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as NodeBindings)?.incoming?.headers;
  if (incoming) {
    const value = incoming[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return c.req.header(name);
}
