import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from './memory.js';

/** A clock the test moves by hand, starting on a minute boundary so window maths is easy to read. */
function clock(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

const req = (identifier: string, cost = 1, limit = 5, windowSeconds = 60) => ({
  identifier,
  limit,
  windowSeconds,
  cost,
});

describe('memory rate limiter', () => {
  it('admits up to the limit, then refuses', async () => {
    const limiter = createMemoryRateLimiter({ now: clock().now });
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await limiter.limit(req('a')));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    expect(results.every((r) => r.limit === 5)).toBe(true);
    expect(limiter.kind).toBe('memory');
  });

  it('takes the cost of each request from the budget', async () => {
    const limiter = createMemoryRateLimiter({ now: clock().now });
    expect(await limiter.limit(req('a', 3, 10))).toMatchObject({ allowed: true, remaining: 7 });
    expect(await limiter.limit(req('a', 5, 10))).toMatchObject({ allowed: true, remaining: 2 });
    expect(await limiter.limit(req('a', 3, 10))).toMatchObject({ allowed: false, remaining: 0 });
    expect(await limiter.limit(req('a', 2, 10))).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('does not count refused requests', async () => {
    const limiter = createMemoryRateLimiter({ now: clock().now });
    expect((await limiter.limit(req('a', 4, 5))).allowed).toBe(true);
    for (let i = 0; i < 10; i++) expect((await limiter.limit(req('a', 2, 5))).allowed).toBe(false);
    expect(await limiter.limit(req('a', 1, 5))).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('starts a fresh budget when the window, aligned to the epoch, rolls over', async () => {
    const c = clock();
    const limiter = createMemoryRateLimiter({ now: c.now });
    c.advance(45_000); // 45 s into the minute window
    for (let i = 0; i < 5; i++) await limiter.limit(req('a'));
    expect(await limiter.limit(req('a'))).toMatchObject({ allowed: false, resetSeconds: 15 });
    c.advance(14_999);
    expect((await limiter.limit(req('a'))).allowed).toBe(false);
    c.advance(1);
    expect(await limiter.limit(req('a'))).toMatchObject({ allowed: true, remaining: 4, resetSeconds: 60 });
  });

  it('reports whole seconds until reset, rounded up', async () => {
    const c = clock();
    const limiter = createMemoryRateLimiter({ now: c.now });
    expect((await limiter.limit(req('a', 1, 5, 10))).resetSeconds).toBe(10);
    c.advance(100);
    expect((await limiter.limit(req('a', 1, 5, 10))).resetSeconds).toBe(10);
    c.advance(8_900);
    expect((await limiter.limit(req('a', 1, 5, 10))).resetSeconds).toBe(1);
    c.advance(999);
    expect((await limiter.limit(req('a', 1, 5, 10))).resetSeconds).toBe(1);
  });

  it('keeps identifiers, and rules on one identifier, independent', async () => {
    const limiter = createMemoryRateLimiter({ now: clock().now });
    for (let id = 0; id < 1000; id++) {
      for (let i = 0; i < 5; i++) expect((await limiter.limit(req(`key_${id}`))).allowed).toBe(true);
    }
    for (let id = 0; id < 1000; id++) expect((await limiter.limit(req(`key_${id}`))).allowed).toBe(false);
    // Same identifier, other limit or window: a separate counter.
    expect(await limiter.limit(req('key_0', 1, 6))).toMatchObject({ allowed: true, remaining: 5 });
    expect(await limiter.limit(req('key_0', 1, 5, 3600))).toMatchObject({ allowed: true, remaining: 4 });
  });

  it('answers tryLimit synchronously, counting as limit does', async () => {
    const limiter = createMemoryRateLimiter({ now: clock().now });
    expect(limiter.tryLimit?.(req('a', 2))).toMatchObject({ allowed: true, remaining: 3 });
    expect(await limiter.limit(req('a', 2))).toMatchObject({ allowed: true, remaining: 1 });
    expect(limiter.tryLimit?.(req('a', 2))).toMatchObject({ allowed: false, remaining: 0 });
  });

  it('sweeps the expired rule of an identifier and keeps its live one', async () => {
    const c = clock();
    const limiter = createMemoryRateLimiter({ now: c.now });
    await limiter.limit(req('a', 1, 5, 1));
    await limiter.limit(req('a', 2, 5, 3600));
    expect(limiter.size).toBe(2);
    c.advance(2000);
    for (let i = 0; i < 1024; i++) await limiter.limit(req('steady', 1, 1_000_000, 3600));
    expect(limiter.size).toBe(2);
    expect(await limiter.limit(req('a', 1, 5, 3600))).toMatchObject({ allowed: true, remaining: 2 });
    expect(await limiter.limit(req('a', 1, 5, 1))).toMatchObject({ allowed: true, remaining: 4 });
  });

  it('sweeps expired windows so memory stays bounded', async () => {
    const c = clock();
    const limiter = createMemoryRateLimiter({ now: c.now });
    for (let id = 0; id < 5000; id++) await limiter.limit(req(`key_${id}`, 1, 5, 1));
    expect(limiter.size).toBe(5000);
    c.advance(2000);
    // Enough calls to trigger a sweep (at least as many as counters held).
    for (let i = 0; i < 5000; i++) await limiter.limit(req('steady', 1, 1_000_000, 1));
    expect(limiter.size).toBeLessThanOrEqual(1);
    await limiter.close();
    expect(limiter.size).toBe(0);
    await expect(limiter.ping()).resolves.toBeUndefined();
  });
});
