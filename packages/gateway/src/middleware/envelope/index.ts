import type { Context, MiddlewareHandler, Next } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { SETTLED } from '../../dispatch.js';
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
  /**
   * What runs inside the envelope, in this same middleware layer (the gateway's body limit, auth,
   * limits and idempotency): each `app.use` layer costs an async dispatch per request. Called with the
   * route's `next`; a Response it returns without calling `next` (an idempotent replay) becomes the
   * response, as a middleware's would.
   */
  inner?: (c: Context<AppEnv>, next: Next) => Promise<unknown> | Response | undefined;
  /**
   * Renders what `inner` throws (the app's error handler), so refusals made in this layer are logged,
   * counted and enveloped like any other response. Without it the error propagates.
   */
  onError?: (error: Error, c: Context<AppEnv>) => Response | Promise<Response>;
}

/**
 * A client's own request id is kept (as `clientRequestId`, never as ours) only when it is a UUID or
 * 16-64 hex digits, the shapes tracing tools send. Anything else might be a secret pasted in the
 * wrong header (an API key without its prefix, upper-cased, …) and is dropped unlogged.
 */
const CLIENT_REQUEST_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,64})$/i;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Random bytes drawn 4 KB at a time: one `getRandomValues` call per 256 request ids. */
const idPool = new Uint8Array(4096);
let idAt = idPool.length;

/**
 * A request id, `req_` and 32 hex digits (128 random bits), from a pool of random bytes: about a
 * fifth of the cost of `crypto.randomUUID()` with its dashes removed, on every runtime.
 */
export function newRequestId(): string {
  if (idAt === idPool.length) {
    crypto.getRandomValues(idPool);
    idAt = 0;
  }
  const p = idPool;
  const i = idAt;
  idAt += 16;
  return `req_${HEX[p[i]!]}${HEX[p[i + 1]!]}${HEX[p[i + 2]!]}${HEX[p[i + 3]!]}${HEX[p[i + 4]!]}${HEX[p[i + 5]!]}${HEX[p[i + 6]!]}${HEX[p[i + 7]!]}${HEX[p[i + 8]!]}${HEX[p[i + 9]!]}${HEX[p[i + 10]!]}${HEX[p[i + 11]!]}${HEX[p[i + 12]!]}${HEX[p[i + 13]!]}${HEX[p[i + 14]!]}${HEX[p[i + 15]!]}`;
}

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

/** Sets one header (`name` in lower case) of the response this request will send. */
export function setResponseHeader(c: Context<AppEnv>, name: string, value: string): void {
  c.get('responseHeaders')[name] = value;
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
  // `c.json(body, status)`, what every route does.
  if (headers === undefined && (typeof arg === 'number' || arg === undefined)) {
    return envelopeResponse(this, JSON.stringify(object), arg ?? 200, 'application/json');
  }
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
  const { deps, corsOrigins, allowHeaders, allowMethods, exposeHeaders, maxAge, logger, inner, onError } = options;
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
  // Not an async function: when the chain after it answers synchronously (FusingRouter), so does this
  // layer, and the request needs no promise at all. Hono's compose awaits whatever it returns.
  const middleware = (c: Context<AppEnv>, next: Next) => {
    const started = performance.now();
    c.set('deps', deps);
    const given = requestHeader(c, 'x-request-id');
    // Always our own id: a client-chosen one could collide with, or pose as, another request's.
    const id = newRequestId();
    c.set('requestId', id);
    // Unset reads as undefined: most requests carry none, and each `c.set` is a map write.
    if (given !== undefined && CLIENT_REQUEST_ID.test(given)) c.set('clientRequestId', given.toLowerCase());
    if (c.req.method === 'OPTIONS') return answerOptions(c, next, id, preflight, inner, onError);
    const headers: Record<string, string> = { ...SECURE_HEADERS, 'x-request-id': id, vary: 'Origin' };
    const origin = requestHeader(c, 'origin');
    if (origin && allowOrigin(origin)) {
      headers['access-control-allow-origin'] = origin;
      if (exposed) headers['access-control-expose-headers'] = exposed;
    }
    c.set('responseHeaders', headers);
    // One shared method, called as `c.json(…)` (its `this` is the context): nothing is allocated per
    // request. A fresh closure stored on the context kept request objects alive across young-generation
    // GCs (measured +11 µs per request); a bound function costs an allocation (and, where the function's
    // `name` was redefined, as tsx does, V8's slow path). Never call it detached from `c`.
    c.json = envelopeJson as typeof c.json;
    const running = inner ? runInner(c, next, inner, onError) : next();
    // Everything after this layer answered synchronously (see SETTLED): so can this layer.
    if (running === SETTLED) return finish(c, headers, started, logger);
    return running.then(() => finish(c, headers, started, logger));
  };
  return middleware as MiddlewareHandler<AppEnv>;
}

/** A CORS preflight (answered by hono/cors), or a plain OPTIONS passed on. */
async function answerOptions(
  c: Context<AppEnv>,
  next: Next,
  id: string,
  preflight: MiddlewareHandler,
  inner: EnvelopeOptions['inner'],
  onError: EnvelopeOptions['onError'],
): Promise<Response | undefined> {
  const answered = (await preflight(c, () => runInner(c, next, inner, onError))) as Response | undefined;
  const out = (answered ?? c.res).headers;
  for (const name in SECURE_HEADERS) out.set(name, SECURE_HEADERS[name] as string);
  out.set('X-Request-Id', id);
  return answered;
}

/**
 * After the route: the request log line and usage count, then the envelope headers for a response
 * not built with them (c.body, c.html, a replay). Synchronous unless such a response must be read
 * (to tag a GET's body).
 */
function finish(
  c: Context<AppEnv>,
  headers: Record<string, string>,
  started: number,
  logger: Logger | undefined,
): Promise<void> | undefined {
  // Logged as the handler left it (before any rebuild below), like a layer just inside this one.
  if (logger) logRequest(c, logger, started);
  const res = c.res as Built;
  if (res[BUILT]) return undefined;
  return rebuild(c, res, headers);
}

/** A response made some other way than through the envelope: adds the envelope headers now. */
async function rebuild(c: Context<AppEnv>, res: Response, headers: Record<string, string>): Promise<void> {
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
  rebuilt.etag = etagOf(c.get('deps').hash, body);
  const ifNoneMatch = requestHeader(c, 'if-none-match');
  if (ifNoneMatch && etagMatches(ifNoneMatch, rebuilt.etag)) {
    delete rebuilt['content-type'];
    delete rebuilt['content-length'];
    c.res = new Response(null, { status: 304, headers: rebuilt });
    return;
  }
  c.res = new Response(body, { status: res.status, headers: rebuilt });
}

/**
 * Runs `inner` as Hono's compose would run a middleware layer of its own: a Response it returns
 * without the route having answered becomes the response, and what it throws is rendered by
 * `onError`. Returns {@link SETTLED} when all of it finished synchronously.
 */
function runInner(
  c: Context<AppEnv>,
  next: Next,
  inner: EnvelopeOptions['inner'],
  onError: EnvelopeOptions['onError'],
): Promise<void> {
  if (!inner) return next();
  let answered: unknown;
  try {
    answered = inner(c, next);
  } catch (error) {
    if (!onError || !(error instanceof Error)) throw error;
    const rendered = onError(error, c);
    if (rendered instanceof Promise) {
      return rendered.then((r) => {
        c.res = r;
      });
    }
    c.res = rendered;
    return SETTLED;
  }
  if (answered === SETTLED) return SETTLED;
  if (answered instanceof Promise) {
    return answered.then(
      (value) => answer(c, value),
      async (error: unknown) => {
        if (!onError || !(error instanceof Error)) throw error;
        c.res = await onError(error, c);
      },
    );
  }
  answer(c, answered);
  return SETTLED;
}

/** As compose does: whatever a middleware returns becomes the response when the route has not answered. */
function answer(c: Context<AppEnv>, value: unknown): void {
  if (value && !c.finalized) c.res = value as Response;
}
