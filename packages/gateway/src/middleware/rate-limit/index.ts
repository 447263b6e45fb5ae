import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { policyKey, type RoutePolicy, routePolicies } from '../../routes/define.js';
import { addResponseHeaders } from '../envelope/index.js';

const DEFAULT_POLICY: RoutePolicy = {
  scopes: [],
  cost: 1,
  allowSuspended: false,
  requireIdempotencyKey: false,
  sensitiveResponse: false,
};

/** The policy of the route this request matched (routes are matched before middleware runs). */
export function matchedPolicy(c: Context<AppEnv>): RoutePolicy {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i]!;
    if (r.method === 'ALL') continue;
    const policy = routePolicies.get(policyKey(r.method, r.path));
    if (policy) return policy;
  }
  return DEFAULT_POLICY;
}

/**
 * Tiered rate limit (route cost weights, per-key override), suspension and scope checks, in that
 * order, for an authenticated request: the limit comes first so that refusals count and carry the
 * headers too. Every response then carries `RateLimit-Policy` and
 * `RateLimit` (draft-ietf-httpapi-ratelimit-headers-11); a refusal is a 429 with `Retry-After`.
 * When the limiter is unreachable the request passes (fail open, logged) unless configured closed.
 * Throws the refusal; {@link authorize} is the middleware form.
 */
export async function authorizeRequest(c: Context<AppEnv>): Promise<void> {
  const auth = c.get('auth');
  const deps = c.get('deps');
  const policy = matchedPolicy(c);

  const { name, limit, identifier } = auth.policy;
  const policyHeader = `"${name}";q=${limit.requests};w=${limit.windowSeconds}`;
  let headers: Record<string, string>;
  try {
    const result = await deps.limiter.limit({
      identifier,
      limit: limit.requests,
      windowSeconds: limit.windowSeconds,
      cost: policy.cost,
    });
    headers = {
      'RateLimit-Policy': policyHeader,
      RateLimit: `"${name}";r=${result.remaining};t=${result.resetSeconds}`,
    };
    if (!result.allowed) {
      const retryAfter = String(Math.max(1, result.resetSeconds));
      throw new ApiError(
        'rate_limited',
        `Rate limit of ${limit.requests} per ${limit.windowSeconds} s exceeded (this request costs ${policy.cost}); retry in ${retryAfter} s`,
        { headers: { ...headers, 'Retry-After': retryAfter } },
      );
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
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
    headers = { 'RateLimit-Policy': policyHeader };
  }
  addResponseHeaders(c, headers);

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
