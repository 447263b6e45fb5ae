import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { ProblemSchema, type Scope } from '@lendwire/contract';

/** What the gateway enforces for a route beyond its OpenAPI definition. */
export interface RoutePolicy {
  /** Scopes the key needs (all of them). Empty only when `anyValidKey` says so. */
  scopes: Scope[];
  /** Served to any valid key without a scope (only `/v1/me`): stated, never implied by `scopes: []`. */
  anyValidKey: boolean;
  /** Rate-limit units one call takes (default 1). */
  cost: number;
  /** Served to suspended accounts too (only `/v1/me`). */
  allowSuspended: boolean;
  /** `Idempotency-Key` required (money-moving POSTs). */
  requireIdempotencyKey: boolean;
  /**
   * The response carries a secret shown once (key create/rotate): an idempotent replay of it is
   * stored encrypted under the caller's API key, never in plain text.
   */
  sensitiveResponse: boolean;
}

/**
 * Who may call a route: the scopes it needs (at least one), or explicitly any valid key. A route
 * without a policy is refused (fail closed), so forgetting this cannot open a route to every key.
 */
export type Access = { scopes: [Scope, ...Scope[]] } | { anyValidKey: true };

/** Policies by `METHOD /hono/:path`, filled as routes are defined; read by the authorize middleware. */
export const routePolicies = new Map<string, RoutePolicy>();

/** The policy key of a route: method and Hono-style path (`GET /v1/customers/:id`). */
export function policyKey(method: string, honoPath: string): string {
  return `${method.toUpperCase()} ${honoPath}`;
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** Error responses every authenticated operation may return. */
export const ERROR_RESPONSES = {
  400: problem('Invalid request: `code` is `validation_failed` (with `errors[]`), `invalid_json` or `invalid_header`'),
  401: problem('API key missing, malformed, unknown, expired, rotated out or revoked'),
  403: problem('Missing scope, IP not allowed, or account suspended'),
  404: problem('No such object for this account (other accounts’ objects are never revealed)'),
  409: problem('A request with this `Idempotency-Key` is still in flight, or the object’s state forbids this'),
  413: problem('Body larger than the limit'),
  422: problem('`Idempotency-Key` reused with a different request, or a semantically invalid request'),
  429: problem('Rate limit exceeded; see `Retry-After`'),
  500: problem('Unexpected server error (no internals are exposed)'),
} as const;

const RATE_LIMIT_HEADERS = {
  'RateLimit-Policy': { schema: { type: 'string' as const }, description: 'Quota policy, e.g. `"growth";q=1000;w=60`' },
  RateLimit: { schema: { type: 'string' as const }, description: 'Remaining quota, e.g. `"growth";r=998;t=42`' },
  'X-Request-Id': { schema: { type: 'string' as const }, description: 'Request id to quote to support' },
};

type Defined<R extends RouteConfig> = R & { responses: R['responses'] & typeof ERROR_RESPONSES };

/**
 * Defines an authenticated `/v1` route: the OpenAPI operation (with bearer security listing the
 * scopes, rate-limit headers and every error response) and the policy the gateway enforces.
 */
export function defineRoute<const R extends RouteConfig>(
  config: R,
  policy: Access & Partial<Omit<RoutePolicy, 'scopes' | 'anyValidKey'>>,
): Defined<R> {
  const anyValidKey = 'anyValidKey' in policy && policy.anyValidKey === true;
  const scopes = 'scopes' in policy ? [...policy.scopes] : [];
  if (!anyValidKey && scopes.length === 0) {
    throw new Error(`${config.method.toUpperCase()} ${config.path}: name its scopes or say anyValidKey: true`);
  }
  const full: RoutePolicy = {
    cost: policy.cost ?? 1,
    allowSuspended: policy.allowSuspended ?? false,
    requireIdempotencyKey: policy.requireIdempotencyKey ?? false,
    sensitiveResponse: policy.sensitiveResponse ?? false,
    scopes,
    anyValidKey,
  };
  const honoPath = config.path.replace(/\{(\w+)\}/g, ':$1');
  routePolicies.set(policyKey(config.method, honoPath), full);
  const responses: Record<string, unknown> = {};
  for (const [status, res] of Object.entries(config.responses)) {
    responses[status] = {
      ...(res as object),
      headers: { ...RATE_LIMIT_HEADERS, ...(res as { headers?: object }).headers },
    };
  }
  const route = createRoute({
    ...config,
    security: [{ bearerAuth: full.scopes }],
    responses: { ...ERROR_RESPONSES, ...responses },
    'x-lendwire-scopes': full.scopes,
    'x-lendwire-cost': full.cost,
  } as R);
  return route as unknown as Defined<R>;
}
