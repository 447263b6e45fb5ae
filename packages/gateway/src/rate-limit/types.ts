/** One rate-limit check: take `cost` units from `identifier`'s budget of `limit` per `windowSeconds`. */
export interface RateLimitRequest {
  /** Who is limited, e.g. `key_…` (one budget per key). */
  identifier: string;
  /** Units allowed per window. */
  limit: number;
  windowSeconds: number;
  /** Units this request takes (route cost weight, ≥ 1). */
  cost: number;
}

/** Outcome of a check. */
export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Units left in the current window after this request (0 when refused). */
  remaining: number;
  /** Whole seconds until the window resets (≥ 0). */
  resetSeconds: number;
}

/** A rate-limit backend. Implementations: in-process, Redis over TCP, Upstash Redis over REST. */
export interface RateLimiter {
  /** `memory`, `redis` or `upstash`. */
  readonly kind: string;
  /** Checks and counts one request. Rejects (throws) when the backend cannot be reached. */
  limit(request: RateLimitRequest): Promise<RateLimitResult>;
  /**
   * Optional: the same check, answered synchronously when the limiter can answer without waiting
   * (the in-process limiter always; a remote one when its local cache already knows the request is
   * refused), else `undefined`, and the caller uses {@link limit}. Spares the gateway a turn of the
   * event loop per request.
   */
  tryLimit?(request: RateLimitRequest): RateLimitResult | undefined;
  /** Checks the backend answers; used by `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
