/** Rate-limit state of the key after a response, from `RateLimit` and `RateLimit-Policy`. */
export interface RateLimitInfo {
  /** Policy name: the tier (`free`, `growth`, `scale`), `key` for a per-key limit, or `unauthenticated`. */
  policy: string;
  /** Units allowed per window (undefined when the policy header was absent). */
  limit: number | undefined;
  /** Window length in seconds. */
  windowSeconds: number | undefined;
  /** Units left in the current window. */
  remaining: number | undefined;
  /** Seconds until the window resets. */
  resetSeconds: number | undefined;
}

function params(value: string): { name: string; values: Record<string, number> } | undefined {
  // First list member only: `"growth";r=998;t=42`.
  const first = value.split(',')[0]?.trim();
  if (!first) return undefined;
  const [rawName, ...pairs] = first.split(';');
  const name = rawName?.trim().replace(/^"|"$/g, '') ?? '';
  const values: Record<string, number> = {};
  for (const pair of pairs) {
    const [k, v] = pair.split('=');
    if (k && v !== undefined && /^\d+$/.test(v.trim())) values[k.trim()] = Number(v.trim());
  }
  return { name, values };
}

/** Parses draft-ietf-httpapi-ratelimit-headers fields; undefined when neither is present. */
export function parseRateLimit(headers: Headers): RateLimitInfo | undefined {
  const state = headers.get('ratelimit');
  const policy = headers.get('ratelimit-policy');
  if (!state && !policy) return undefined;
  const s = state ? params(state) : undefined;
  const p = policy ? params(policy) : undefined;
  return {
    policy: s?.name ?? p?.name ?? '',
    limit: p?.values.q,
    windowSeconds: p?.values.w,
    remaining: s?.values.r,
    resetSeconds: s?.values.t,
  };
}

/**
 * Seconds to wait from a `Retry-After` value: delay-seconds (fractions accepted) or an HTTP date
 * (0 when already past). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}
