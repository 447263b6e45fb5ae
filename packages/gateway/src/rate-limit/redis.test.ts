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
