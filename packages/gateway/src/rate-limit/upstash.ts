import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import type { RateLimiter, RateLimitRequest, RateLimitResult } from './types.js';

/**
 * The Redis surface `@upstash/ratelimit` 2.2 actually uses for `fixedWindow`: `evalsha`, then `eval` when the
 * `evalsha` error mentions `NOSCRIPT` (its published type omits `eval`, but it calls it), and `get`/`set` for
 * dynamic limits. An `@upstash/redis` client fits, and so does the ioredis adapter in `../node/redis-adapter.ts`.
 */
export interface RateLimitRedis {
  evalsha(sha: string, keys: string[], args: unknown[]): Promise<unknown>;
  eval(script: string, keys: string[], args: unknown[]): Promise<unknown>;
  get(key: string): Promise<unknown>;
  set(key: string, value: string | number): Promise<unknown>;
}

/** Options of {@link createUpstashRateLimiter}. */
export interface UpstashRateLimiterOptions {
  redis: RateLimitRedis;
  /** Reported as the limiter's `kind`: `redis` over TCP, `upstash` over REST. */
  kind: 'redis' | 'upstash';
  /** Key prefix; each (limit, window) pair gets its own sub-prefix. Default `lendwire:rl`. */
  prefix?: string;
  /** Per call, after which the call rejects with {@link RateLimitTimeoutError}. Default 1000 ms. */
  timeoutMs?: number;
  /**
   * The client already rejects every command that takes longer than `timeoutMs` with a
   * {@link RateLimitTimeoutError} (the TCP adapter does, through ioredis's command timeout): the limiter
   * then sets no timer of its own per call. A check is one command; a refused check of cost > 1 is two
   * (the refund), so it may take up to twice `timeoutMs`.
   */
  clientTimeouts?: boolean;
  /** Identifiers whose refusal is remembered until their window ends (see below). Default 10,000. */
  maxBlocked?: number;
}

/** Thrown when the backend did not answer in time, so the gateway can fail open or closed as configured. */
export class RateLimitTimeoutError extends Error {
  constructor(operation: string, timeoutMs: number) {
    super(`rate limit backend: ${operation} timed out after ${timeoutMs} ms`);
    this.name = 'RateLimitTimeoutError';
  }
}

const DEFAULT_PREFIX = 'lendwire:rl';
const DEFAULT_TIMEOUT_MS = 1000;
const PING_KEY = 'lendwire:ping';
/**
 * A refund goes to the window current at the time it is sent; this margin keeps one that would land
 * just after a boundary from crediting the next window instead.
 */
const REFUND_MARGIN_MS = 50;

type RatelimitRedis = ConstructorParameters<typeof Ratelimit>[0]['redis'];

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, operation: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RateLimitTimeoutError(operation, timeoutMs)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One rule (limit per window): its `Ratelimit`, and what this instance knows is refused until when. */
interface Rule {
  ratelimit: Ratelimit;
  /** By identifier: the window end, and the smallest cost refused in that window. */
  blocked: Map<string, { until: number; cost: number }>;
}

/**
 * Creates a limiter on Redis through `@upstash/ratelimit`'s `fixedWindow`, which counts atomically in one
 * Lua script, so every gateway instance sharing the Redis sees the same budget.
 *
 * The library's own timeout is off: it resolves as *allowed*, which would hide an outage from the gateway's
 * fail-open/fail-closed policy. Its ephemeral cache is off too, replaced by this one, which knows costs:
 * Upstash's script counts refused requests too; to keep the semantics of the in-memory limiter (a refused
 * request takes nothing), a refused request with `cost` > 1 is refunded with a negative rate. Refused
 * requests of cost 1 need no refund: the window was already full, and stays full either way.
 *
 * So within a fixed window what a key has used never goes down: once Redis refuses a request of cost c,
 * every request of cost ≥ c is refused until the window ends, whichever instance asks. This instance
 * remembers that and answers such requests itself, synchronously (`tryLimit`), without a round trip: a
 * client hammering past its limit costs Redis nothing more (as `@upstash/ratelimit`'s ephemeral cache,
 * which blocks every cost). At most `maxBlocked` identifiers per rule are remembered.
 */
export function createUpstashRateLimiter(options: UpstashRateLimiterOptions): RateLimiter {
  const { redis, kind } = options;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBlocked = options.maxBlocked ?? 10_000;
  // By limit, then window size: numbers as keys, no string built per check.
  const rules = new Map<number, Map<number, Rule>>();

  function ruleFor(limit: number, windowSeconds: number): Rule {
    let byWindow = rules.get(limit);
    if (byWindow === undefined) {
      byWindow = new Map();
      rules.set(limit, byWindow);
    }
    let rule = byWindow.get(windowSeconds);
    if (rule === undefined) {
      rule = {
        ratelimit: new Ratelimit({
          // Only the four methods of RateLimitRedis are used at runtime (see its comment); the library's
          // declared type is the whole client.
          redis: redis as unknown as RatelimitRedis,
          limiter: Ratelimit.fixedWindow(limit, `${windowSeconds} s`),
          // Limit and window in the prefix give each rule its own counter, as in the in-memory limiter.
          prefix: `${prefix}:${limit}:${windowSeconds}`,
          analytics: false,
          ephemeralCache: false,
          timeout: 0,
          enableTelemetry: false,
        }),
        blocked: new Map(),
      };
      byWindow.set(windowSeconds, rule);
    }
    return rule;
  }

  /** The refusal this instance already knows of, if any. */
  function knownRefusal(request: RateLimitRequest): RateLimitResult | undefined {
    const blocked = rules.get(request.limit)?.get(request.windowSeconds)?.blocked;
    const known = blocked?.get(request.identifier);
    if (known === undefined) return undefined;
    const now = Date.now();
    if (now >= known.until) {
      blocked!.delete(request.identifier);
      return undefined;
    }
    if (request.cost < known.cost) return undefined;
    return { allowed: false, limit: request.limit, remaining: 0, resetSeconds: Math.ceil((known.until - now) / 1000) };
  }

  function remember(rule: Rule, identifier: string, until: number, cost: number): void {
    const { blocked } = rule;
    const known = blocked.get(identifier);
    if (known !== undefined && known.until === until) {
      known.cost = Math.min(known.cost, cost);
      return;
    }
    if (blocked.size >= maxBlocked) {
      const now = Date.now();
      for (const [id, b] of blocked) if (b.until <= now) blocked.delete(id);
      // Still full of live refusals: forget the oldest (it then costs one more round trip).
      if (blocked.size >= maxBlocked) blocked.delete(blocked.keys().next().value as string);
    }
    blocked.set(identifier, { until, cost });
  }

  async function check(request: RateLimitRequest): Promise<RateLimitResult> {
    const rule = ruleFor(request.limit, request.windowSeconds);
    const res = await rule.ratelimit.limit(request.identifier, { rate: request.cost });
    if (!res.success) {
      remember(rule, request.identifier, res.reset, request.cost);
      if (request.cost > 1 && Date.now() + REFUND_MARGIN_MS < res.reset) {
        // The refusal stands whatever happens to the refund; a failed one only leaves the window fuller.
        await rule.ratelimit.limit(request.identifier, { rate: -request.cost }).catch(() => undefined);
      }
    }
    return {
      allowed: res.success,
      limit: res.limit,
      remaining: res.success ? res.remaining : 0,
      resetSeconds: Math.max(0, Math.ceil((res.reset - Date.now()) / 1000)),
    };
  }

  const limit = options.clientTimeouts
    ? check
    : (request: RateLimitRequest) => withTimeout(check(request), timeoutMs, 'limit');
  return {
    kind,
    limit: (request) => {
      const known = knownRefusal(request);
      return known ? Promise.resolve(known) : limit(request);
    },
    tryLimit: knownRefusal,
    ping: async () => {
      const answer = redis.get(PING_KEY);
      await (options.clientTimeouts ? answer : withTimeout(answer, timeoutMs, 'ping'));
    },
    close: async () => {
      rules.clear();
    },
  };
}

/** Options of {@link createUpstashRestRateLimiter}. */
export interface UpstashRestRateLimiterOptions {
  /** REST URL of the Upstash database (`UPSTASH_REDIS_REST_URL`). */
  url: string;
  /** REST token (`UPSTASH_REDIS_REST_TOKEN`). */
  token: string;
  prefix?: string;
  timeoutMs?: number;
}

/**
 * Creates a limiter on Upstash Redis over its REST API (fetch only, so it runs on Workers too).
 *
 * Each HTTP request carries an abort signal for the limiter timeout, so a hung call is cancelled instead of
 * lingering after the limiter has given up on it; client retries stay within that same budget.
 */
export function createUpstashRestRateLimiter(options: UpstashRestRateLimiterOptions): RateLimiter {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const redis = new Redis({
    url: options.url,
    token: options.token,
    signal: () => AbortSignal.timeout(timeoutMs),
    retry: { retries: 1, backoff: () => 50 },
    enableTelemetry: false,
  });
  return createUpstashRateLimiter({ redis, kind: 'upstash', prefix: options.prefix, timeoutMs });
}
