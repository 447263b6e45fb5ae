import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRateLimiter, createRedisTcpAdapter } from '../node/redis-adapter.js';
import type { RateLimiter, RateLimitRequest } from './types.js';
import { createUpstashRateLimiter, type RateLimitRedis, RateLimitTimeoutError } from './upstash.js';

const url = process.env.LENDWIRE_TEST_REDIS_URL;
if (!url) console.log('[lendwire] skipping Redis rate-limit tests: LENDWIRE_TEST_REDIS_URL is not set');

/** Each run (and each test) counts under its own keys, so runs never collide and nothing is shared. */
const runPrefix = `lendwire:test:${randomUUID()}`;
const id = () => `key_${randomUUID()}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fixed windows are aligned to the epoch: step past a boundary that is about to fall mid-test. */
async function awayFromBoundary(windowSeconds: number, marginMs = 2000): Promise<void> {
  const left = windowSeconds * 1000 - (Date.now() % (windowSeconds * 1000));
  if (left < marginMs) await sleep(left + 50);
}

function req(identifier: string, cost = 1, limit = 10, windowSeconds = 3600): RateLimitRequest {
  return { identifier, limit, windowSeconds, cost };
}

describe.skipIf(!url)('redis rate limiter (TCP, @upstash/ratelimit on a plain Redis)', () => {
  const open: RateLimiter[] = [];
  const limiter = (options: { prefix?: string; timeoutMs?: number } = {}) => {
    const l = createRedisRateLimiter(url!, { prefix: runPrefix, ...options });
    open.push(l);
    return l;
  };
  let a: RateLimiter;

  beforeAll(() => {
    a = limiter();
  });

  afterAll(async () => {
    await Promise.all(open.map((l) => l.close()));
    // Keys expire with their window anyway; this only keeps the test Redis tidy.
    const redis = new IORedis(url!);
    const keys = await redis.keys(`${runPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('admits up to the limit, then refuses', async () => {
    await awayFromBoundary(3600);
    const key = id();
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await a.limit(req(key, 1, 5)));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    for (const r of results) {
      expect(r.limit).toBe(5);
      expect(r.resetSeconds).toBeGreaterThan(0);
      expect(r.resetSeconds).toBeLessThanOrEqual(3600);
    }
    expect(a.kind).toBe('redis');
  });

  it('takes cost weights from the budget, and a refused request takes nothing', async () => {
    await awayFromBoundary(3600);
    const key = id();
    expect(await a.limit(req(key, 4))).toMatchObject({ allowed: true, remaining: 6 });
    expect(await a.limit(req(key, 4))).toMatchObject({ allowed: true, remaining: 2 });
    expect(await a.limit(req(key, 4))).toMatchObject({ allowed: false, remaining: 0 });
    expect(await a.limit(req(key, 4))).toMatchObject({ allowed: false, remaining: 0 });
    expect(await a.limit(req(key, 2))).toMatchObject({ allowed: true, remaining: 0 });
    expect((await a.limit(req(key, 1))).allowed).toBe(false);
  });

  it('keeps separate budgets per identifier and per rule', async () => {
    await awayFromBoundary(3600);
    const [k1, k2] = [id(), id()];
    for (let i = 0; i < 3; i++) await a.limit(req(k1, 1, 3));
    expect((await a.limit(req(k1, 1, 3))).allowed).toBe(false);
    expect(await a.limit(req(k2, 1, 3))).toMatchObject({ allowed: true, remaining: 2 });
    expect(await a.limit(req(k1, 1, 4))).toMatchObject({ allowed: true, remaining: 3 });
  });

  it('admits exactly 50 of 200 parallel calls against a limit of 50', async () => {
    await awayFromBoundary(3600);
    const key = id();
    const results = await Promise.all(Array.from({ length: 200 }, () => a.limit(req(key, 1, 50))));
    const admitted = results.filter((r) => r.allowed).length;
    expect(admitted).toBeLessThanOrEqual(50);
    expect(admitted).toBe(50);
  });

  it('shares one budget between two gateway instances', async () => {
    await awayFromBoundary(3600);
    const b = limiter();
    const key = id();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).limit(req(key, 1, 20))),
    );
    expect(results.filter((r) => r.allowed).length).toBe(20);
    expect((await a.limit(req(key, 1, 20))).allowed).toBe(false);
    expect((await b.limit(req(key, 1, 20))).allowed).toBe(false);
  });

  it('starts a fresh budget in the next window', async () => {
    const key = id();
    await awayFromBoundary(1, 300);
    const first = await a.limit(req(key, 2, 2, 1));
    expect(first).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 1 });
    expect((await a.limit(req(key, 1, 2, 1))).allowed).toBe(false);
    await sleep(1000 - (Date.now() % 1000) + 20);
    expect(await a.limit(req(key, 1, 2, 1))).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('runs the script by SHA once Redis holds it (shebang stripped, SHAs translated)', async () => {
    const adapter = createRedisTcpAdapter(url!);
    const calls = { eval: 0, evalsha: 0 };
    const counting: RateLimitRedis = {
      ...adapter.redis,
      eval: (...args) => {
        calls.eval++;
        return adapter.redis.eval(...args);
      },
      evalsha: (...args) => {
        calls.evalsha++;
        return adapter.redis.evalsha(...args);
      },
    };
    const l = createUpstashRateLimiter({ redis: counting, kind: 'redis', prefix: runPrefix });
    try {
      await awayFromBoundary(3600);
      const key = id();
      await l.limit(req(key));
      expect(calls).toEqual({ eval: 1, evalsha: 1 });
      for (let i = 0; i < 5; i++) await l.limit(req(key));
      expect(calls).toEqual({ eval: 1, evalsha: 6 });
    } finally {
      await l.close();
      await adapter.close();
    }
  });

  it('answers ping', async () => {
    await expect(a.ping()).resolves.toBeUndefined();
  });

  it('rejects quickly when Redis is down, instead of hanging', async () => {
    const down = createRedisRateLimiter('redis://127.0.0.1:1', { timeoutMs: 1000 });
    open.push(down);
    const started = Date.now();
    await expect(down.limit(req(id()))).rejects.toThrow();
    await expect(down.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('rejects with a timeout when Redis accepts the connection but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const hung = createRedisRateLimiter(`redis://127.0.0.1:${port}`, { timeoutMs: 300 });
    try {
      const started = Date.now();
      await expect(hung.limit(req(id()))).rejects.toBeInstanceOf(RateLimitTimeoutError);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await hung.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
