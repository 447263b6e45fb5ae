import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv, AuthContext } from '../../env.js';
import { ApiError } from '../../problem.js';
import type { RateLimitRequest, RateLimitResult } from '../../rate-limit/types.js';
import { policyKey, type RoutePolicy, routePolicies } from '../../routes/define.js';
import { addResponseHeaders } from '../envelope/index.js';

/**
 * Policy of a request that matched no route: it only reaches the 404/405 answer, so it needs a
 * valid key (unknown paths reveal nothing to strangers) and costs one unit.
 */
const UNMATCHED_POLICY: RoutePolicy = {
  scopes: [],
  anyValidKey: true,
  cost: 1,
  allowSuspended: true,
  requireIdempotencyKey: false,
  sensitiveResponse: false,
};

/** Policies by matched route (Hono's route records live as long as the app). */
const policyByRoute = new WeakMap<object, RoutePolicy | null>();

/**
 * The policy of the route this request matched (routes are matched before middleware runs).
 * `middleware` holds the handlers registered with `app.use`, which are not routes. A matched route
 * without a policy (declared without `defineRoute`) is refused with a logged 500: fail closed.
 */
export function matchedPolicy(c: Context<AppEnv>, middleware: ReadonlySet<unknown>): RoutePolicy {
  const cached = c.get('policy');
  if (cached) return cached;
  const routes = matchedRoutes(c);
  let policy: RoutePolicy | undefined = UNMATCHED_POLICY;
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i]!;
    if (middleware.has(r.handler)) continue;
    let known = policyByRoute.get(r);
    if (known === undefined) {
      known = (r.method === 'ALL' ? undefined : routePolicies.get(policyKey(r.method, r.path))) ?? null;
      policyByRoute.set(r, known);
    }
    policy = known ?? undefined;
    break;
  }
  if (!policy) {
    c.get('deps').logger.error('route without a policy refused', {
      requestId: c.get('requestId'),
      method: c.req.method,
      route: routes.at(-1)?.path,
    });
    throw new ApiError(
      'internal_error',
      `This route is misconfigured; quote request id ${c.get('requestId')} to support.`,
    );
  }
  c.set('policy', policy);
  return policy;
}

/**
 * Tiered rate limit (route cost weights, per-key override), suspension and scope checks, in that
 * order, for an authenticated request: the limit comes first so that refusals count and carry the
 * headers too. Every response then carries `RateLimit-Policy` and
 * `RateLimit` (draft-ietf-httpapi-ratelimit-headers-11); a refusal is a 429 with `Retry-After`.
 * When the limiter is unreachable the request passes (fail open, logged) unless configured closed.
 * Throws the refusal. Returns nothing when the limiter answered synchronously (`tryLimit`: the
 * in-process limiter, or a remote one's cached refusal), else a promise.
 */
export function authorizeRequest(c: Context<AppEnv>, middleware: ReadonlySet<unknown>): Promise<void> | undefined {
  const auth = c.get('auth');
  const limiter = c.get('deps').limiter;
  const policy = matchedPolicy(c, middleware);
  const { limit, identifier } = auth.policy;
  const request: RateLimitRequest = {
    identifier,
    limit: limit.requests,
    windowSeconds: limit.windowSeconds,
    cost: policy.cost,
  };
  let answer: RateLimitResult | undefined;
  try {
    answer = limiter.tryLimit?.(request);
  } catch (error) {
    limiterFailed(c, error);
    checkAccess(c, auth, policy);
    return undefined;
  }
  if (answer) {
    applyLimit(c, auth, policy, answer);
    checkAccess(c, auth, policy);
    return undefined;
  }
  return limiter.limit(request).then(
    (result) => {
      applyLimit(c, auth, policy, result);
      checkAccess(c, auth, policy);
    },
    (error: unknown) => {
      limiterFailed(c, error);
      checkAccess(c, auth, policy);
    },
  );
}

/** Sets the rate-limit headers of the limiter's answer, and throws the 429 of a refusal. */
function applyLimit(c: Context<AppEnv>, auth: AuthContext, policy: RoutePolicy, result: RateLimitResult): void {
  const { name, limit, header } = auth.policy;
  const headers = c.get('responseHeaders');
  headers['ratelimit-policy'] = header;
  headers.ratelimit = `"${name}";r=${result.remaining};t=${result.resetSeconds}`;
  if (!result.allowed) {
    const retryAfter = String(Math.max(1, result.resetSeconds));
    throw new ApiError(
      'rate_limited',
      `Rate limit of ${limit.requests} per ${limit.windowSeconds} s exceeded (this request costs ${policy.cost}); retry in ${retryAfter} s`,
      { headers: { 'Retry-After': retryAfter } },
    );
  }
}

/** A limiter that could not answer: fail open (logged, counted, policy header only) or closed (503). */
function limiterFailed(c: Context<AppEnv>, error: unknown): void {
  const deps = c.get('deps');
  deps.logger.warn('rate limiter unavailable', {
    limiter: deps.limiter.kind,
    mode: deps.rateLimitFail,
    error: error instanceof Error ? error.message : String(error),
    requestId: c.get('requestId'),
  });
  deps.metrics.limiterFailures++;
  if (deps.rateLimitFail === 'closed') {
    throw new ApiError('service_unavailable', 'The rate limiter is unavailable; try again shortly', {
      headers: { 'Retry-After': '1' },
    });
  }
  addResponseHeaders(c, { 'RateLimit-Policy': c.get('auth').policy.header });
}

/** Suspension, then scopes. */
function checkAccess(c: Context<AppEnv>, auth: AuthContext, policy: RoutePolicy): void {
  if (!policy.allowSuspended) {
    const suspended =
      auth.account.status === 'suspended'
        ? auth.account
        : auth.keyAccount.status === 'suspended'
          ? auth.keyAccount
          : null;
    if (suspended) {
      throw new ApiError('account_suspended', `Account ${suspended.id} is suspended; only GET /v1/me is served`);
    }
  }

  for (const scope of policy.scopes) {
    if (!auth.scopes.has(scope)) {
      throw new ApiError(
        'insufficient_scope',
        `This API key lacks the scope ${scope}, which ${c.req.method} ${c.req.path} needs`,
        {
          requiredScope: scope,
        },
      );
    }
  }
}
