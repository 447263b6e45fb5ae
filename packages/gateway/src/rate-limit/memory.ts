import type { RateLimiter, RateLimitRequest, RateLimitResult } from './types.js';

/** Options of {@link createMemoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  /** Clock in epoch milliseconds; injectable so tests can cross window boundaries without waiting. */
  now?: () => number;
}

/** The in-process limiter, plus what tests need to check that memory stays bounded. */
export interface MemoryRateLimiter extends RateLimiter {
  readonly kind: 'memory';
  /** Number of counters currently held (live windows, plus expired ones not yet swept). */
  readonly size: number;
}

interface Window {
  limit: number;
  windowSeconds: number;
  /** Epoch ms at which this window ends; the counter is dead from then on. */
  endsAt: number;
  used: number;
  /** The next rule on the same identifier (a per-minute and a per-day limit, say), if any. */
  next: Window | undefined;
}

/** Sweeping costs one pass over the map, so it waits for at least this many calls (and for the map's size). */
const SWEEP_MIN_CALLS = 1024;
/** ...and runs at most this often, so a map full of live windows is not scanned over and over. */
const SWEEP_MIN_INTERVAL_MS = 1000;

/**
 * Creates the in-process rate limiter: one fixed-window counter per (identifier, limit, windowSeconds),
 * windows aligned to multiples of `windowSeconds` since the epoch like `@upstash/ratelimit`'s `fixedWindow`,
 * so switching backends does not move window boundaries. Unlike Upstash's, a refused request takes nothing.
 *
 * Counts are per process: with several gateway instances each one admits the full limit.
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions = {}): MemoryRateLimiter {
  const now = options.now ?? Date.now;
  // By identifier: the windows of its rules, chained. Limit and window size tell rules apart, so two
  // rules on one identifier (per minute, per day) keep separate budgets, and no key string is built
  // per check (the identifier is the same string object request after request).
  const windows = new Map<string, Window>();
  let held = 0;
  // Expired windows are dropped lazily from the request path: a timer would need `unref()` (Node-only)
  // to keep from holding the process open, and Workers do not allow timers outside a request anyway.
  let callsSinceSweep = 0;
  let lastSweep = now();

  function sweep(t: number): void {
    for (const [identifier, first] of windows) {
      let head: Window | undefined;
      let tail: Window | undefined;
      for (let w: Window | undefined = first; w !== undefined; w = w.next) {
        if (w.endsAt <= t) {
          held--;
          continue;
        }
        if (tail) tail.next = w;
        else head = w;
        tail = w;
      }
      if (tail) tail.next = undefined;
      if (head === undefined) windows.delete(identifier);
      else if (head !== first) windows.set(identifier, head);
    }
    callsSinceSweep = 0;
    lastSweep = t;
  }

  function check({ identifier, limit, windowSeconds, cost }: RateLimitRequest): RateLimitResult {
    const t = now();
    if (++callsSinceSweep >= SWEEP_MIN_CALLS && callsSinceSweep >= held && t - lastSweep >= SWEEP_MIN_INTERVAL_MS) {
      sweep(t);
    }
    const windowMs = windowSeconds * 1000;
    const endsAt = (Math.floor(t / windowMs) + 1) * windowMs;
    const first = windows.get(identifier);
    let w = first;
    while (w !== undefined && (w.limit !== limit || w.windowSeconds !== windowSeconds)) w = w.next;
    if (w === undefined) {
      w = { limit, windowSeconds, endsAt, used: 0, next: first };
      windows.set(identifier, w);
      held++;
    } else if (w.endsAt !== endsAt) {
      w.endsAt = endsAt;
      w.used = 0;
    }
    const resetSeconds = Math.max(0, Math.ceil((endsAt - t) / 1000));
    if (w.used + cost > limit) return { allowed: false, limit, remaining: 0, resetSeconds };
    w.used += cost;
    return { allowed: true, limit, remaining: limit - w.used, resetSeconds };
  }

  return {
    kind: 'memory',
    get size() {
      return held;
    },
    limit: (request) => Promise.resolve(check(request)),
    tryLimit: check,
    ping: () => Promise.resolve(),
    close: () => {
      windows.clear();
      held = 0;
      return Promise.resolve();
    },
  };
}
