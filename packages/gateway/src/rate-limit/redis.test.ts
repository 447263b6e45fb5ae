import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awayFromBoundary,
  deleteKeys,
  freshId,
  limiterContract,
  req,
  runPrefix,
  sleep,
} from '../../test/support/limiter-contract.js';
import { createRedisRateLimiter, createRedisTcpAdapter } from '../node/redis-adapter.js';
import type { RateLimiter } from './types.js';
import { createUpstashRateLimiter, type RateLimitRedis, RateLimitTimeoutError } from './upstash.js';

const url = process.env.LENDWIRE_TEST_REDIS_URL;
if (!url) console.log('[lendwire] skipping Redis rate-limit tests: LENDWIRE_TEST_REDIS_URL is not set');

const prefix = runPrefix();
const id = freshId;

/** A limiter on a server that accepts connections and never answers (a hung Redis). */
async function silentRedis(timeoutMs: number): Promise<{ hung: RateLimiter; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const silent: Server = createServer((socket) => {
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const hung = createRedisRateLimiter(`redis://127.0.0.1:${port}`, { timeoutMs });
  return {
    hung,
    stop: async () => {
      await hung.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    },
  };
}

describe.skipIf(!url)('redis rate limiter (TCP, @upstash/ratelimit on a plain Redis)', () => {
  const open: RateLimiter[] = [];
  const limiter = (options: { prefix?: string; timeoutMs?: number } = {}) => {
    const l = createRedisRateLimiter(url!, { prefix, ...options });
    open.push(l);
    return l;
  };
  let a: RateLimiter;

  beforeAll(() => {
    a = limiter();
  });

  afterAll(async () => {
    await Promise.all(open.map((l) => l.close()));
    await deleteKeys(url!, prefix);
  });

  limiterContract(
    'redis',
    () => a,
    () => limiter(),
  );

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
    const l = createUpstashRateLimiter({ redis: counting, kind: 'redis', prefix });
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

  it('sends the checks of one key that arrive together as one call, each with its own remaining', async () => {
    const adapter = createRedisTcpAdapter(url!);
    let evalsha = 0;
    const counting: RateLimitRedis = {
      ...adapter.redis,
      evalsha: (...args) => {
        evalsha++;
        return adapter.redis.evalsha(...args);
      },
    };
    const l = createUpstashRateLimiter({ redis: counting, kind: 'redis', prefix });
    try {
      await awayFromBoundary(3600);
      const key = id();
      // The first answer tells this process how much room is left; the next 20 then fit twice over.
      expect(await l.limit(req(key, 1, 1000))).toMatchObject({ allowed: true, remaining: 999 });
      const before = evalsha;
      const results = await Promise.all(Array.from({ length: 20 }, () => l.limit(req(key, 1, 1000))));
      expect(evalsha - before).toBe(1);
      expect(results.every((r) => r.allowed)).toBe(true);
      expect(results.map((r) => r.remaining).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 20 }, (_, i) => 979 + i),
      );
      // Redis counted all 21.
      expect(await a.limit(req(key, 1, 1000))).toMatchObject({ allowed: true, remaining: 978 });
    } finally {
      await l.close();
      await adapter.close();
    }
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
    const { hung, stop } = await silentRedis(300);
    try {
      const started = Date.now();
      await expect(hung.limit(req(id()))).rejects.toBeInstanceOf(RateLimitTimeoutError);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await stop();
    }
  });

  it('fails the checks queued behind a send that timed out with it, rather than after a timeout each', async () => {
    const { hung, stop } = await silentRedis(500);
    try {
      const key = id();
      const started = Date.now();
      const first = hung.limit(req(key));
      first.catch(() => {});
      // Once the first is on its way, these wait behind it.
      await sleep(50);
      const queued = Array.from({ length: 5 }, () => hung.limit(req(key)));
      for (const p of [first, ...queued]) await expect(p).rejects.toBeInstanceOf(RateLimitTimeoutError);
      // One timeout (500 ms), not a second one for the queued checks.
      expect(Date.now() - started).toBeLessThan(900);
    } finally {
      await stop();
    }
  });
});
