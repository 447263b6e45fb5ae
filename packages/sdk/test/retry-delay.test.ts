import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRetryableStatus, MAX_RETRY_AFTER_MS, retryDelayMs } from '../src/core/transport.js';

const noJitter = () => 0;
const fullJitter = () => 1;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('retryDelayMs: exponential backoff', () => {
  it.each([
    [1, 375, 500],
    [2, 750, 1_000],
    [3, 1_500, 2_000],
    [4, 3_000, 4_000],
    [5, 6_000, 8_000],
    [6, 6_000, 8_000],
  ])('retry %i waits between %i and %i ms', (retry, low, high) => {
    expect(retryDelayMs(retry, undefined, noJitter)).toBe(high);
    expect(retryDelayMs(retry, undefined, fullJitter)).toBe(low);
    for (const r of [0.1, 0.5, 0.9]) {
      const delay = retryDelayMs(retry, undefined, () => r);
      expect(delay).toBeGreaterThanOrEqual(low);
      expect(delay).toBeLessThanOrEqual(high);
    }
  });

  it('stays within bounds with the real random source', () => {
    for (let i = 0; i < 200; i++) {
      const delay = retryDelayMs(2, new Headers());
      expect(delay).toBeGreaterThanOrEqual(750);
      expect(delay).toBeLessThanOrEqual(1_000);
    }
  });

  it('ignores a Retry-After that is neither seconds nor a date', () => {
    expect(retryDelayMs(1, new Headers({ 'Retry-After': 'soon' }), noJitter)).toBe(500);
  });

  it('retries at once for a Retry-After date in the past', () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    expect(retryDelayMs(3, new Headers({ 'Retry-After': past }), noJitter)).toBe(0);
  });
});

describe('retryDelayMs: Retry-After', () => {
  it.each([
    ['0', 0],
    ['3', 3_000],
    ['0.25', 250],
    ['60', 60_000],
    ['61', MAX_RETRY_AFTER_MS],
    ['86400', MAX_RETRY_AFTER_MS],
  ])('honours Retry-After: %s seconds as %i ms, capped at 60 s', (value, expected) => {
    expect(MAX_RETRY_AFTER_MS).toBe(60_000);
    expect(retryDelayMs(1, new Headers({ 'Retry-After': value }), noJitter)).toBe(expected);
    // The server's wait replaces backoff whatever the retry number.
    expect(retryDelayMs(6, new Headers({ 'Retry-After': value }), fullJitter)).toBe(expected);
  });

  it('honours Retry-After as an HTTP date', () => {
    const now = Date.UTC(2026, 10, 21, 12, 0, 0);
    vi.spyOn(Date, 'now').mockReturnValue(now);
    const at = (ms: number) => new Headers({ 'Retry-After': new Date(now + ms).toUTCString() });
    expect(retryDelayMs(1, at(10_000), noJitter)).toBe(10_000);
    expect(retryDelayMs(1, at(0), noJitter)).toBe(0);
    expect(retryDelayMs(1, at(2 * 3_600_000), noJitter)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('prefers Retry-After to the RateLimit reset', () => {
    const headers = new Headers({ 'Retry-After': '2', RateLimit: '"free";r=0;t=30' });
    expect(retryDelayMs(1, headers, noJitter)).toBe(2_000);
  });
});

describe('retryDelayMs: RateLimit reset', () => {
  it('uses the RateLimit reset only for 429s: a 503 carrying r=0 still backs off', () => {
    expect(retryDelayMs(1, new Headers({ RateLimit: '"free";r=0;t=7' }), noJitter, 503)).toBe(500);
  });

  it('waits the t= of RateLimit when no units remain (r=0) and there is no Retry-After', () => {
    expect(retryDelayMs(1, new Headers({ RateLimit: '"free";r=0;t=7' }), noJitter, 429)).toBe(7_000);
    expect(retryDelayMs(1, new Headers({ RateLimit: '"key";r=0;t=0' }), noJitter, 429)).toBe(0);
  });

  it('caps the RateLimit reset at 60 s', () => {
    expect(retryDelayMs(1, new Headers({ RateLimit: '"free";r=0;t=3600' }), noJitter, 429)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('backs off as usual while units remain', () => {
    expect(retryDelayMs(2, new Headers({ RateLimit: '"free";r=5;t=7' }), noJitter, 429)).toBe(1_000);
    expect(retryDelayMs(2, new Headers({ RateLimit: '"free";r=10;t=7' }), noJitter, 429)).toBe(1_000);
  });

  it('backs off as usual when RateLimit has no reset', () => {
    expect(retryDelayMs(1, new Headers({ RateLimit: '"free";r=0' }), noJitter, 429)).toBe(500);
  });
});

describe('isRetryableStatus', () => {
  it.each([
    [408, undefined, true],
    [429, undefined, true],
    [500, undefined, true],
    [502, undefined, true],
    [503, undefined, true],
    [504, undefined, true],
    [409, 'idempotency_key_in_use', true],
    [409, 'state_conflict', false],
    [409, undefined, false],
    [400, undefined, false],
    [401, undefined, false],
    [403, undefined, false],
    [404, undefined, false],
    [405, undefined, false],
    [413, undefined, false],
    [422, 'idempotency_key_reused', false],
  ])('%i %s → %s', (status, code, expected) => {
    const problem = code ? { type: 't', title: 't', status, code } : undefined;
    expect(isRetryableStatus(status, problem)).toBe(expected);
  });
});
