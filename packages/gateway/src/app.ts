import { OpenAPIHono } from '@hono/zod-openapi';
import type { Tier } from '@lendwire/contract';
import { ServiceError, type Services, sha256Hex, type TenantScope } from '@lendwire/core/domain';
import type { Context, Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import { KeyCache } from './auth/key-cache.js';
import { DEFAULT_TIERS, type TierLimit } from './config.js';
import { FusingRouter } from './dispatch.js';
import type { AppEnv, GatewayDeps } from './env.js';
import { createJsonLogger, type Logger, loggableError } from './logger.js';
import { authenticator, type ClientIpResolver, clientIpResolver } from './middleware/auth/index.js';
import { envelope } from './middleware/envelope/index.js';
import { idempotency } from './middleware/idempotency/index.js';
import { guardInput } from './middleware/input-guard/index.js';
import { authorizeRequest } from './middleware/rate-limit/index.js';
import { ApiError, problemResponse } from './problem.js';
import { createMemoryRateLimiter } from './rate-limit/memory.js';
import type { RateLimiter } from './rate-limit/types.js';
import { routePolicies } from './routes/define.js';
import { registerRoutes } from './routes/index.js';
import { docsScriptOnce } from './routes/service/docs.js';
import { UsageRecorder } from './usage.js';

/** Options of {@link createGateway}; everything but `services` has a default. */
export interface GatewayOptions {
  services: Services;
  /** Database liveness for `/readyz`. */
  ping?: () => Promise<void>;
  logger?: Logger;
  /** Rate-limit backend; default in-process. */
  limiter?: RateLimiter;
  /** `open` (default): pass requests when the limiter is down; `closed`: refuse them with 503. */
  rateLimitFail?: 'open' | 'closed';
  tiers?: Partial<Record<Tier, TierLimit>>;
  /** Failed authentications allowed per client IP (default 60 per 60 s), then 429. */
  unauthenticatedLimit?: TierLimit;
  /** Hex SHA-256 for key lookups; default pure JS. The Node entry passes `node:crypto`'s. */
  hash?: (input: string) => string;
  /** Clock; default the services' clock. */
  now?: () => Date;
  /**
   * The same clock in epoch milliseconds, where that is cheaper to read than a Date (the hot path
   * reads it several times per request); default `now().getTime()`. The Node entry passes `Date.now`
   * when it runs on the real clock.
   */
  nowMs?: () => number;
  /** Key cache TTL in seconds (0-30, default 30). */
  keyCacheTtlSeconds?: number;
  /** Origins allowed by CORS (`*` for any). Default none. */
  corsOrigins?: string[];
  /** Largest accepted body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** How to find the client IP for allowlists; default socket address (Node) or a trusted header. */
  clientIp?: ClientIpResolver;
  /**
   * Runs a test-mode tenant's work that is due by `until` (its advanced test clock) and resolves when
   * it is done; `POST /v1/test-helpers/clock/advance` awaits it. Without it (no workers reachable,
   * e.g. on Workers) the clock still moves and workers pick the work up on their own schedule.
   */
  runDueWork?: (scope: TenantScope, until: Date) => Promise<void>;
  /** Extra readiness checks for `/readyz`, by name. */
  readiness?: Record<string, () => Promise<void>>;
  /**
   * Loads the script of the `/docs` reference: the text of `@scalar/api-reference`'s single-file
   * browser build (`dist/browser/standalone.js`, about 4.9 MB), which the gateway serves itself so
   * the page needs no CDN. Called once, on the first request for it. The Node entry reads it from
   * node_modules (`readDocsScript` of `@lendwire/gateway/node`); a Workers entry can import the file as
   * a text module or fetch it from its static assets. Without it `/docs` is a plain page that links
   * `/openapi.json`.
   */
  docsScript?: () => Promise<string>;
}

/** The gateway app and the handles its host needs. */
export type Gateway = OpenAPIHono<AppEnv> & { deps: GatewayDeps };

/**
 * Builds the gateway: a Hono app (Web-standard APIs only, so it runs on Node, Workers, Deno and
 * Bun) with request ids, secure headers, CORS, body limit, logging, API-key auth, scopes, tiered rate
 * limits, idempotency, ETags, problem+json errors and the OpenAPI document.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const logger = options.logger ?? createJsonLogger();
  const now = options.now ?? options.services.ctx.now;
  const nowMs = options.nowMs ?? (() => now().getTime());
  const hash = options.hash ?? sha256Hex;
  const deps: GatewayDeps = {
    services: options.services,
    logger,
    limiter: options.limiter ?? createMemoryRateLimiter({ now: nowMs }),
    keyCache: new KeyCache((options.keyCacheTtlSeconds ?? 30) * 1000, nowMs),
    usage: new UsageRecorder(options.services, logger, nowMs),
    hash,
    now,
    nowMs,
    tiers: { ...DEFAULT_TIERS, ...options.tiers },
    rateLimitFail: options.rateLimitFail ?? 'open',
    unauthenticatedLimit: options.unauthenticatedLimit ?? { requests: 60, windowSeconds: 60 },
    readiness: options.readiness ?? {},
    runDueWork: options.runDueWork,
    ping: options.ping ?? (async () => {}),
    metrics: { limiterFailures: 0 },
    docsScript: options.docsScript ? docsScriptOnce(options.docsScript, hash) : undefined,
  };

  // Each request's chain (the envelope, validators, the route) runs as one handler: see FusingRouter.
  const router = new FusingRouter();
  const app = new OpenAPIHono<AppEnv>({
    router,
    defaultHook: (result) => {
      if (!result.success) throw validationError(targetName(result.target), result.error.issues);
    },
  });

  const limitBody = bodyLimit({
    maxSize: options.bodyLimit ?? 1024 * 1024,
    onError: () => {
      throw new ApiError(
        'payload_too_large',
        `Request bodies are limited to ${options.bodyLimit ?? 1024 * 1024} bytes`,
      );
    },
  });
  // Authentication, then rate limit, suspension and scopes, then idempotency (POST), in that order.
  const authenticateRequest = authenticator(options.clientIp ?? clientIpResolver(), nowMs);
  // Handlers registered with `app.use` are middleware, not routes: the policy lookup skips them.
  const middleware = new Set<unknown>();
  const idempotent = idempotency(middleware);
  // Each step answers synchronously when it can (a cached key, the in-process limiter, a GET): an
  // await of nothing would still cost a turn of the microtask queue.
  const protect = (c: Context<AppEnv>, next: Next) => {
    const authenticating = authenticateRequest(c);
    return authenticating ? authenticating.then(() => authorize(c, next)) : authorize(c, next);
  };
  const authorize = (c: Context<AppEnv>, next: Next) => {
    const authorizing = authorizeRequest(c, middleware);
    return authorizing ? authorizing.then(() => guard(c, next)) : guard(c, next);
  };
  const guard = (c: Context<AppEnv>, next: Next) => {
    const guarding = guardInput(c);
    return guarding ? guarding.then(() => idempotent(c, next)) : idempotent(c, next);
  };
  const handleError = (error: Error, c: Context<AppEnv>): Response => {
    if (error instanceof ApiError) return problemResponse(c, error);
    if (error instanceof ServiceError) {
      return problemResponse(c, new ApiError(error.code, error.message, error.errors ? { errors: error.errors } : {}));
    }
    if (error instanceof HTTPException) {
      if (error.status === 400 && /JSON/i.test(error.message)) {
        return problemResponse(c, new ApiError('invalid_json', 'The request body is not valid JSON'));
      }
      if (error.status === 413) return problemResponse(c, new ApiError('payload_too_large', error.message));
      if (error.status === 415 || /unsupported media type/i.test(error.message)) {
        return problemResponse(
          c,
          new ApiError('unsupported_media_type', 'Send the body as JSON with Content-Type: application/json'),
        );
      }
      return problemResponse(
        c,
        new ApiError(error.status >= 500 ? 'internal_error' : 'validation_failed', error.message),
      );
    }
    logger.error('unhandled error', {
      requestId: c.get('requestId'),
      method: c.req.method,
      route: routePath(c, -1),
      ...loggableError(error),
    });
    return problemResponse(
      c,
      new ApiError(
        'internal_error',
        `Something went wrong on our side. Quote request id ${c.get('requestId')} to support.`,
      ),
    );
  };

  // One middleware layer for everything that runs before the route (each `app.use` layer costs an
  // async dispatch per request): the envelope, and inside it the body limit and, on /v1, the checks.
  app.use(
    '*',
    envelope({
      deps,
      corsOrigins: options.corsOrigins ?? [],
      allowHeaders: [
        'Authorization',
        'Content-Type',
        'Idempotency-Key',
        'Lendwire-Account',
        'X-Request-Id',
        'If-None-Match',
      ],
      // Per path: a preflight learns only the methods that path has.
      allowMethods: (path) => [...allowedMethods(path), 'OPTIONS'],
      exposeHeaders: ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'Idempotent-Replayed', 'ETag'],
      maxAge: 600,
      // The request log line and usage count (middleware/request-log), written by the envelope.
      logger,
      onError: handleError,
      inner: (c, next) => {
        const path = c.req.path;
        // What `app.use('/v1/*')` matches: /v1 and everything under it.
        const v1 = path.startsWith('/v1/') || path === '/v1';
        const method = c.req.method;
        // GET and HEAD requests carry no body (Fetch forbids one), and merely asking for it makes
        // @hono/node-server build a full Request object.
        if (method === 'GET' || method === 'HEAD') return v1 ? protect(c, next) : next();
        // bodyLimit returns what its `next` returns, so an idempotent replay still comes back here.
        return limitBody(c, v1 ? ((() => protect(c, next)) as Next) : next);
      },
    }),
  );
  for (const route of app.routes) middleware.add(route.handler);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'lw_test_… / lw_live_…',
    description:
      'API key in `Authorization: Bearer <key>`. Each operation lists the scopes it needs; `*` grants all of the account’s scopes and `x:write` implies `x:read`.',
  });
  registerRoutes(app);

  app.notFound((c) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length > 0) {
      throw new ApiError(
        'method_not_allowed',
        `${c.req.method} is not supported on ${c.req.path}; use ${allowed.join(', ')}`,
        {
          headers: { Allow: allowed.join(', ') },
        },
      );
    }
    throw new ApiError('route_not_found', `No route ${c.req.method} ${c.req.path}; see /openapi.json`);
  });
  app.onError(handleError);
  router.onError = (error, c) => handleError(error, c as Context<AppEnv>);

  return Object.assign(app, { deps });
}

let routeMatchers: Array<{ method: string; re: RegExp }> | undefined;

/** Methods defined for a path, for `405 Method Not Allowed` and CORS preflights (never the hot path). */
function allowedMethods(path: string): string[] {
  routeMatchers ??= [...routePolicies.keys()].map((key) => {
    const [method, pattern] = key.split(' ') as [string, string];
    return { method, re: new RegExp(`^${pattern.replace(/:\w+/g, '[^/]+')}$`) };
  });
  const methods = new Set<string>();
  for (const { method, re } of routeMatchers) if (re.test(path)) methods.add(method);
  return [...methods].sort();
}

/** Most field errors one problem lists; the rest are counted in `errorsOmitted`. */
export const MAX_FIELD_ERRORS = 20;
const MAX_TEXT = 200;

function clip(text: string, max = MAX_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

type Issue = { path: PropertyKey[]; message: string; code?: string; keys?: string[] };

/**
 * A bounded `validation_failed` problem from zod's issues: at most {@link MAX_FIELD_ERRORS} field
 * errors, each path and message clipped, and a short `detail` naming the first few. Whatever a body
 * holds, the problem stays a few KB (a body with 100,000 unknown keys is one short error).
 */
function validationError(target: string, issues: readonly Issue[]): ApiError {
  const errors = issues.slice(0, MAX_FIELD_ERRORS).map((issue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      const shown = issue.keys.slice(0, 3).map((k) => `"${clip(k, 30)}"`);
      const more = issue.keys.length - shown.length;
      message = `Unrecognized key${issue.keys.length === 1 ? '' : 's'}: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
    }
    return { path: clip([target, ...issue.path.map(String)].join('.')), message: clip(message) };
  });
  const omitted = issues.length - errors.length;
  const named = errors
    .slice(0, 3)
    .map((e) => `${e.path} ${e.message}`)
    .join('; ');
  const rest = issues.length > 3 ? `; and ${issues.length - 3} more in errors[]` : '';
  return new ApiError(
    'validation_failed',
    clip(`${issues.length} invalid field${issues.length === 1 ? '' : 's'}: ${named}${rest}`, 600),
    omitted > 0 ? { errors, errorsOmitted: omitted } : { errors },
  );
}

function targetName(target: string): string {
  return target === 'json' ? 'body' : target === 'param' ? 'path' : target;
}
