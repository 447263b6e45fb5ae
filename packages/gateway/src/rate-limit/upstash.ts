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

/** What this instance last learnt from Redis about one identifier under one rule, for the current window. */
interface Known {
  /** End of the window it was learnt in (epoch ms); worthless from then on. */
  until: number;
  /** The smallest cost refused in that window (Infinity: none): that cost and more stay refused. */
  refusedCost: number;
  /** Units left after the last admitted request (an upper bound: other instances take from it too). */
  remaining: number;
}

/** A check waiting to be sent with the others of its identifier. */
interface Waiter {
  cost: number;
  resolve(result: RateLimitResult): void;
  reject(error: unknown): void;
}

/** One rule (limit per window): its `Ratelimit`, what this instance knows, and the checks waiting to go. */
interface Rule {
  ratelimit: Ratelimit;
  known: Map<string, Known>;
  /** Checks gathered per identifier, not sent yet. */
  waiting: Map<string, Waiter[]>;
  /** Identifiers with a send in flight. */
  sending: Set<string>;
}

/**
 * Creates a limiter on Redis through `@upstash/ratelimit`'s `fixedWindow`, which counts atomically in one
 * Lua script, so every gateway instance sharing the Redis sees the same budget.
 *
 * The library's own timeout is off: it resolves as *allowed*, which would hide an outage from the gateway's
 * fail-open/fail-closed policy. Its ephemeral cache is off too, replaced by one that knows costs:
 *
 * - Upstash's script counts refused requests too; to keep the semantics of the in-memory limiter (a refused
 *   request takes nothing), a refused request with `cost` > 1 is refunded with a negative rate. Refused
 *   requests of cost 1 need no refund: the window was already full, and stays full either way. So within a
 *   window what an identifier has used never goes down: once Redis refuses a request of cost c, every
 *   request of cost ≥ c is refused until the window ends, whichever instance asks. This instance remembers
 *   that and answers such requests itself, synchronously (`tryLimit`), without a round trip: a client
 *   hammering past its limit costs Redis nothing more (as `@upstash/ratelimit`'s ephemeral cache, which
 *   blocks every cost).
 * - Checks of one identifier go to Redis one send at a time per process: those that arrive while a send
 *   is in flight (a busy key's concurrent requests) wait for it, then go together as one call taking
 *   their summed cost, when the answer left at least twice that much room; each is then admitted with
 *   the `remaining` it would have had one after the other. Near the limit, or for an identifier not seen
 *   yet in the window, they go one by one. Should a combined call be refused after all (other instances
 *   took the room meanwhile), it is refunded and the checks go one by one; only then, and only for
 *   requests of other instances during that round trip, can a request be refused that one-by-one checks
 *   would have admitted. More than the limit is never admitted. A check may so wait for the one ahead
 *   of it: up to twice the timeout (and when that one failed, it fails with it at once).
 *
 * At most `maxBlocked` identifiers per rule are remembered.
 */
export function createUpstashRateLimiter(options: UpstashRateLimiterOptions): RateLimiter {
  const { redis, kind } = options;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxKnown = options.maxBlocked ?? 10_000;
  // By limit, then window size: numbers as keys, no string built per check.
  const rules = new Map<number, Map<number, Rule>>();
  /** Rules with checks waiting, and whether a send is scheduled. */
  const due = new Set<Rule>();
  let scheduled = false;

  const timed = <T>(promise: Promise<T>, operation: string): Promise<T> =>
    options.clientTimeouts ? promise : withTimeout(promise, timeoutMs, operation);

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
        known: new Map(),
        waiting: new Map(),
        sending: new Set(),
      };
      byWindow.set(windowSeconds, rule);
    }
    return rule;
  }

  /** What is known of `identifier` in the current window, if anything. */
  function knownOf(rule: Rule | undefined, identifier: string, now: number): Known | undefined {
    const known = rule?.known.get(identifier);
    if (known === undefined) return undefined;
    if (now < known.until) return known;
    rule!.known.delete(identifier);
    return undefined;
  }

  /** The refusal this instance already knows of, if any. */
  function knownRefusal(request: RateLimitRequest): RateLimitResult | undefined {
    const now = Date.now();
    const known = knownOf(rules.get(request.limit)?.get(request.windowSeconds), request.identifier, now);
    if (known === undefined || request.cost < known.refusedCost) return undefined;
    return { allowed: false, limit: request.limit, remaining: 0, resetSeconds: Math.ceil((known.until - now) / 1000) };
  }

  /** Records an answer of Redis: the room left after an admission, or the cost refused. */
  function learn(rule: Rule, identifier: string, until: number, admitted: boolean, value: number): void {
    const { known } = rule;
    let k = known.get(identifier);
    if (k === undefined || k.until !== until) {
      if (known.size >= maxKnown) {
        const now = Date.now();
        for (const [id, old] of known) if (old.until <= now) known.delete(id);
        // Still full of live entries: forget the oldest (it then costs one more round trip).
        if (known.size >= maxKnown) known.delete(known.keys().next().value as string);
      }
      k = { until, refusedCost: Number.POSITIVE_INFINITY, remaining: -1 };
      known.set(identifier, k);
    }
    if (admitted) k.remaining = value;
    else k.refusedCost = Math.min(k.refusedCost, value);
  }

  const resetIn = (reset: number) => Math.max(0, Math.ceil((reset - Date.now()) / 1000));

  /** One check, on its own. */
  async function check(rule: Rule, identifier: string, cost: number): Promise<RateLimitResult> {
    const res = await rule.ratelimit.limit(identifier, { rate: cost });
    learn(rule, identifier, res.reset, res.success, res.success ? res.remaining : cost);
    if (!res.success && cost > 1 && Date.now() + REFUND_MARGIN_MS < res.reset) {
      // The refusal stands whatever happens to the refund; a failed one only leaves the window fuller.
      await rule.ratelimit.limit(identifier, { rate: -cost }).catch(() => undefined);
    }
    return {
      allowed: res.success,
      limit: res.limit,
      remaining: res.success ? res.remaining : 0,
      resetSeconds: resetIn(res.reset),
    };
  }

  /** Each check on its own; resolves once all are answered, with an error one of them met, if any. */
  async function checkEach(rule: Rule, identifier: string, waiters: Waiter[]): Promise<unknown> {
    let failure: unknown;
    await Promise.all(
      waiters.map((w) =>
        timed(check(rule, identifier, w.cost), 'limit').then(w.resolve, (error: unknown) => {
          failure ??= error;
          w.reject(error);
        }),
      ),
    );
    return failure;
  }

  /**
   * The checks of one identifier gathered while nothing of it was in flight: together when there is
   * room, else one by one. Resolves, once every check is answered, with the error the send met, if any.
   */
  async function send(rule: Rule, identifier: string, waiters: Waiter[]): Promise<unknown> {
    let total = 0;
    for (const w of waiters) total += w.cost;
    const known = knownOf(rule, identifier, Date.now());
    if (waiters.length === 1 || known === undefined || known.remaining < 2 * total) {
      return checkEach(rule, identifier, waiters);
    }
    let res: Awaited<ReturnType<Ratelimit['limit']>>;
    try {
      res = await timed(rule.ratelimit.limit(identifier, { rate: total }), 'limit');
    } catch (error) {
      for (const w of waiters) w.reject(error);
      return error;
    }
    if (!res.success) {
      // Other processes took the room meanwhile: give it back, and decide one by one.
      try {
        await timed(rule.ratelimit.limit(identifier, { rate: -total }), 'limit');
      } catch {
        // The window stays fuller than it is: a few more refusals in it, never an admission too many.
      }
      return checkEach(rule, identifier, waiters);
    }
    learn(rule, identifier, res.reset, true, res.remaining);
    // As if one after the other: the first had the most left.
    let left = res.remaining + total;
    const resetSeconds = resetIn(res.reset);
    for (const w of waiters) {
      left -= w.cost;
      w.resolve({ allowed: true, limit: res.limit, remaining: left, resetSeconds });
    }
    return undefined;
  }

  /**
   * Sends, and keeps everything else of that identifier waiting until it is answered: one send in
   * flight per identifier, so no combined call of this process ever overlaps another check of the
   * same budget, and the next one is decided on what this one learnt.
   */
  function start(rule: Rule, identifier: string, waiters: Waiter[]): void {
    rule.sending.add(identifier);
    const answered = (failure: unknown) => {
      rule.sending.delete(identifier);
      const queued = rule.waiting.get(identifier);
      if (queued === undefined) return;
      rule.waiting.delete(identifier);
      // After a failure the backend is out: the checks that came meanwhile fail with it rather than
      // each waiting out a timeout of its own. Otherwise they go now.
      if (failure !== undefined) for (const w of queued) w.reject(failure);
      else start(rule, identifier, queued);
    };
    send(rule, identifier, waiters).then(answered, answered);
  }

  function sendDue(): void {
    scheduled = false;
    for (const rule of due) {
      for (const [identifier, waiters] of rule.waiting) {
        // Those go once the send ahead of them is answered.
        if (rule.sending.has(identifier)) continue;
        rule.waiting.delete(identifier);
        start(rule, identifier, waiters);
      }
    }
    due.clear();
  }

  function enqueue(request: RateLimitRequest): Promise<RateLimitResult> {
    const rule = ruleFor(request.limit, request.windowSeconds);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { cost: request.cost, resolve, reject };
      const waiting = rule.waiting.get(request.identifier);
      if (waiting) waiting.push(waiter);
      else rule.waiting.set(request.identifier, [waiter]);
      if (rule.sending.has(request.identifier)) return;
      due.add(rule);
      if (!scheduled) {
        scheduled = true;
        // After the current turn's I/O callbacks (Node, Bun, Deno), so concurrent requests are gathered;
        // where there is no setImmediate (Workers), after the current task.
        nextTurn(sendDue);
      }
    });
  }

  return {
    kind,
    limit: (request) => {
      const known = knownRefusal(request);
      return known ? Promise.resolve(known) : enqueue(request);
    },
    tryLimit: knownRefusal,
    ping: async () => {
      await timed(redis.get(PING_KEY), 'ping');
    },
    close: async () => {
      rules.clear();
    },
  };
}

const nextTurn: (run: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (run) => (globalThis as unknown as { setImmediate(run: () => void): void }).setImmediate(run)
    : (run) => queueMicrotask(run);

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
