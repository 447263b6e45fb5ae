import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Redis } from '@upstash/redis';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstashRestBridge, type UpstashRestBridge } from '../../test/support/upstash-rest-bridge.js';
import type { RateLimiter, RateLimitRequest } from './types.js';
import { createUpstashRestRateLimiter, RateLimitTimeoutError } from './upstash.js';

const url = process.env.LENDWIRE_TEST_REDIS_URL;
if (!url) console.log('[lendwire] skipping Upstash REST rate-limit tests: LENDWIRE_TEST_REDIS_URL is not set');

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

describe.skipIf(!url)('upstash rate limiter (REST, through a local Upstash REST bridge)', () => {
  const token = `tok_${randomUUID()}`;
  const open: RateLimiter[] = [];
  let bridge: UpstashRestBridge;
  let a: RateLimiter;
  const limiter = (options: { url?: string; token?: string; timeoutMs?: number } = {}) => {
    const l = createUpstashRestRateLimiter({ url: bridge.url, token: bridge.token, prefix: runPrefix, ...options });
    open.push(l);
    return l;
  };

  beforeAll(async () => {
    bridge = await startUpstashRestBridge({ redisUrl: url!, token });
    a = limiter();
  });

  afterAll(async () => {
    await Promise.all(open.map((l) => l.close()));
    await bridge?.close();
    const redis = new IORedis(url!);
    const keys = await redis.keys(`${runPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('bridges the Upstash REST protocol: single commands, pipelines, transactions, base64', async () => {
    const redis = new Redis({ url: bridge.url, token, enableAutoPipelining: false, enableTelemetry: false });
    const key = `${runPrefix}:bridge:${randomUUID()}`;
    expect(await redis.set(key, 'héllo wörld', { ex: 60 })).toBe('OK');
    expect(await redis.get(key)).toBe('héllo wörld');
    expect(await redis.incr(`${key}:n`)).toBe(1);
    await redis.expire(`${key}:n`, 60);
    const p = redis.pipeline();
    p.incr(`${key}:n`);
    p.get(key);
    expect(await p.exec()).toEqual([2, 'héllo wörld']);
    const m = redis.multi();
    m.incrby(`${key}:n`, 5);
    m.get(`${key}:n`);
    expect(await m.exec()).toEqual([7, 7]);
    await expect(redis.evalsha('0'.repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
    expect(await redis.eval('#!lua flags=allow-key-locking\nreturn ARGV[1]', [], ['ok'])).toBe('ok');
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
    expect(a.kind).toBe('upstash');
  });

  it('takes cost weights from the budget, and a refused request takes nothing', async () => {
    await awayFromBoundary(3600);
    const key = id();
    expect(await a.limit(req(key, 4))).toMatchObject({ allowed: true, remaining: 6 });
    expect(await a.limit(req(key, 4))).toMatchObject({ allowed: true, remaining: 2 });
    expect(await a.limit(req(key, 4))).toMatchObject({ allowed: false, remaining: 0 });
    expect(await a.limit(req(key, 2))).toMatchObject({ allowed: true, remaining: 0 });
    expect((await a.limit(req(key, 1))).allowed).toBe(false);
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

  it('answers ping', async () => {
    await expect(a.ping()).resolves.toBeUndefined();
  });

  it('rejects a wrong token', async () => {
    const wrong = limiter({ token: 'not-the-token' });
    await expect(wrong.limit(req(id()))).rejects.toThrow(/Unauthorized/);
    await expect(wrong.ping()).rejects.toThrow(/Unauthorized/);
  });

  it('rejects quickly when the REST endpoint is down, instead of hanging', async () => {
    const down = limiter({ url: 'http://127.0.0.1:1', timeoutMs: 1000 });
    const started = Date.now();
    await expect(down.limit(req(id()))).rejects.toThrow();
    await expect(down.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('rejects with a timeout when the REST endpoint never answers', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const hung = limiter({ url: `http://127.0.0.1:${port}`, timeoutMs: 300 });
    try {
      const started = Date.now();
      await expect(hung.limit(req(id()))).rejects.toBeInstanceOf(RateLimitTimeoutError);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
