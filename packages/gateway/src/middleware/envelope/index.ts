import type { Context, MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import type { AppEnv, GatewayDeps } from '../../env.js';
import type { Logger } from '../../logger.js';
import { requestHeader } from '../../request-headers.js';
import { logRequest } from '../request-log/index.js';

/**
 * Security headers of every API response, the set OWASP's REST Security Cheat Sheet asks of JSON
 * APIs: nothing may frame, sniff or cache a response (secrets are shown once), HSTS for transports
 * that reach the gateway over TLS. Browser-page headers (`X-XSS-Protection`, `X-Download-Options`,
 * `Origin-Agent-Cluster`, …) protect HTML documents, which the API does not serve; `/docs` keeps
 * its own page policy.
 */
export const SECURE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** Headers that would break an HTML page (the `/docs` reference) and are left off it. */
const API_ONLY_HEADERS = new Set(['content-security-policy', 'cache-control']);

/** Options of {@link envelope}. */
export interface EnvelopeOptions {
  deps: GatewayDeps;
  /** Origins allowed to read responses; `*` allows any (the caller's origin is echoed back). */
  corsOrigins: string[];
  allowHeaders: string[];
  /** Methods a preflight for `path` may use. */
  allowMethods: (path: string) => string[];
  exposeHeaders: string[];
  /** Seconds a preflight answer may be cached. */
  maxAge: number;
  /**
   * When set, every request but a CORS preflight gets its request log line and usage count
   * ({@link logRequest}) here, once the handler's response is set, rather than in a layer of its own.
   */
  logger?: Logger;
}

/**
 * A client's own request id is kept (as `clientRequestId`, never as ours) only when it is a UUID or
 * 16-64 hex digits, the shapes tracing tools send. Anything else might be a secret pasted in the
 * wrong header (an API key without its prefix, upper-cased, …) and is dropped unlogged.
 */
const CLIENT_REQUEST_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,64})$/i;

/** Marks a response built with the envelope's headers, so they are not added a second time. */
const BUILT = Symbol('lendwire.envelope.built');
type Built = Response & { [BUILT]?: true };

/** True when an `If-None-Match` value matches the ETag (weak comparison, `*`, lists). */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

/** The weak ETag of a body. */
export function etagOf(hash: (input: string) => string, body: string): string {
  return `W/"${hash(body).slice(0, 32)}"`;
}

/** Adds headers to the response this request will send (rate-limit state, for example). */
export function addResponseHeaders(c: Context<AppEnv>, headers: Record<string, string>): void {
  const out = c.get('responseHeaders');
  for (const name in headers) out[name.toLowerCase()] = headers[name] as string;
}

type HeaderInit = Record<string, string | string[]>;

function mergeInto(out: Record<string, string>, extra: HeaderInit | Headers | undefined) {
  if (!extra) return;
  if (extra instanceof Headers) {
    for (const [k, v] of extra) out[k] = v;
    return;
  }
  for (const k in extra) {
    const raw = extra[k] as string | string[];
    const v = Array.isArray(raw) ? raw.join(', ') : raw;
    const name = k.toLowerCase();
    // The envelope's `Vary: Origin` stays alongside whatever the handler varies on.
    out[name] = name === 'vary' && out.vary && out.vary !== v ? `${v}, ${out.vary}` : v;
  }
}

/**
 * Builds a response with every envelope header in one plain object, the shape @hono/node-server
 * writes without converting through `Headers`. Successful GETs get a weak ETag from the body they
 * send, and `304 Not Modified` when `If-None-Match` matches.
 */
export function envelopeResponse(
  c: Context<AppEnv>,
  body: string | null,
  status: number,
  contentType: string | undefined,
  extra?: HeaderInit | Headers,
): Response {
  const headers: Record<string, string> = { ...c.get('responseHeaders') };
  if (contentType && body !== null) headers['content-type'] = contentType;
  mergeInto(headers, extra);
  if (c.req.method === 'GET' && status === 200 && body !== null && headers.etag === undefined) {
    const tag = etagOf(c.get('deps').hash, body);
    headers.etag = tag;
    const ifNoneMatch = requestHeader(c, 'if-none-match');
    if (ifNoneMatch && etagMatches(ifNoneMatch, tag)) {
      delete headers['content-type'];
      const res: Built = new Response(null, { status: 304, headers });
      res[BUILT] = true;
      return res;
    }
  }
  const res: Built = new Response(body, { status, headers });
  res[BUILT] = true;
  return res;
}

/** `c.json` of the envelope: Hono's arguments, one serialisation, one response object. */
function envelopeJson(this: Context<AppEnv>, object: unknown, arg?: unknown, headers?: HeaderInit) {
  const status = typeof arg === 'number' ? arg : ((arg as { status?: number } | undefined)?.status ?? 200);
  const initHeaders = typeof arg === 'object' && arg !== null ? (arg as { headers?: HeaderInit }).headers : undefined;
  const merged: HeaderInit = {
    ...(initHeaders instanceof Headers ? Object.fromEntries(initHeaders) : initHeaders),
    ...headers,
  };
  return envelopeResponse(this, JSON.stringify(object), status, 'application/json', merged);
}

/**
 * Everything every response carries, set up once per request: the services (`deps`), the request
 * id (`X-Request-Id`, always ours, `req_<uuid>`; a client's own id is kept apart), security headers and CORS
 * (allowlist; preflights answered by `hono/cors`), and with `logger` the request log. Headers are collected in a plain object that
 * `c.json` and problem responses are built with, so the hot path never converts through `Headers`
 * nor rebuilds a response; any other response gets them added after the handler.
 */
export function envelope(options: EnvelopeOptions): MiddlewareHandler<AppEnv> {
  const { deps, corsOrigins, allowHeaders, allowMethods, exposeHeaders, maxAge, logger } = options;
  const anyOrigin = corsOrigins.includes('*');
  const allowOrigin = (origin: string) => (anyOrigin || corsOrigins.includes(origin) ? origin : null);
  const preflight = honoCors({
    origin: allowOrigin,
    allowHeaders,
    allowMethods: (_origin, c) => allowMethods(c.req.path),
    exposeHeaders,
    maxAge,
  });
  const exposed = exposeHeaders.join(',');
  return async (c, next) => {
    const started = performance.now();
    c.set('deps', deps);
    const given = requestHeader(c, 'x-request-id');
    // Always our own id: a client-chosen one could collide with, or pose as, another request's.
    const id = `req_${crypto.randomUUID().replaceAll('-', '')}`;
    c.set('requestId', id);
    c.set('clientRequestId', given !== undefined && CLIENT_REQUEST_ID.test(given) ? given.toLowerCase() : undefined);
    if (c.req.method === 'OPTIONS') {
      // hono/cors answers a preflight with its own response (or passes a plain OPTIONS on).
      const answered = await preflight(c, next);
      const out = (answered ?? c.res).headers;
      for (const name in SECURE_HEADERS) out.set(name, SECURE_HEADERS[name] as string);
      out.set('X-Request-Id', id);
      return answered;
    }
    const headers: Record<string, string> = { ...SECURE_HEADERS, 'x-request-id': id, vary: 'Origin' };
    const origin = requestHeader(c, 'origin');
    if (origin && allowOrigin(origin)) {
      headers['access-control-allow-origin'] = origin;
      if (exposed) headers['access-control-expose-headers'] = exposed;
    }
    c.set('responseHeaders', headers);
    // A bound function, not a closure: a fresh closure stored on the context kept request objects
    // alive across young-generation GCs (measured +11 µs per request).
    c.json = envelopeJson.bind(c) as typeof c.json;
    await next();
    // Logged as the handler left it (before any rebuild below), like a layer just inside this one.
    if (logger) logRequest(c, logger, started);
    const res = c.res as Built;
    if (res[BUILT]) return;
    // A response made some other way (c.body, c.html, a replay): add the envelope headers now.
    let body: string | undefined;
    if (c.req.method === 'GET' && res.status === 200 && !res.headers.has('etag') && res.body) {
      body = await res.text();
    }
    const rebuilt: Record<string, string> = {};
    for (const [k, v] of res.headers) rebuilt[k] = v;
    const html = rebuilt['content-type']?.startsWith('text/html') ?? false;
    for (const k in headers) {
      if (html && API_ONLY_HEADERS.has(k)) continue;
      if (k === 'vary' && rebuilt.vary) rebuilt.vary = `${rebuilt.vary}, Origin`;
      else rebuilt[k] ??= headers[k] as string;
    }
    c.res = undefined;
    if (body === undefined) {
      c.res = new Response(res.body, { status: res.status, headers: rebuilt });
      return;
    }
    rebuilt.etag = etagOf(deps.hash, body);
    const ifNoneMatch = requestHeader(c, 'if-none-match');
    if (ifNoneMatch && etagMatches(ifNoneMatch, rebuilt.etag)) {
      delete rebuilt['content-type'];
      delete rebuilt['content-length'];
      c.res = new Response(null, { status: 304, headers: rebuilt });
      return;
    }
    c.res = new Response(body, { status: res.status, headers: rebuilt });
  };
}
