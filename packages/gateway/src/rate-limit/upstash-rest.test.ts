import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, freshId, limiterContract, req, runPrefix } from '../../test/support/limiter-contract.js';
import { startUpstashRestBridge, type UpstashRestBridge } from '../../test/support/upstash-rest-bridge.js';
import type { RateLimiter } from './types.js';
import { createUpstashRestRateLimiter, RateLimitTimeoutError } from './upstash.js';

const url = process.env.LENDWIRE_TEST_REDIS_URL;
if (!url) console.log('[lendwire] skipping Upstash REST rate-limit tests: LENDWIRE_TEST_REDIS_URL is not set');

const prefix = runPrefix();
const id = freshId;

describe.skipIf(!url)('upstash rate limiter (REST, through a local Upstash REST bridge)', () => {
  const token = `tok_${randomUUID()}`;
  const open: RateLimiter[] = [];
  let bridge: UpstashRestBridge;
  let a: RateLimiter;
  const limiter = (options: { url?: string; token?: string; timeoutMs?: number } = {}) => {
    const l = createUpstashRestRateLimiter({ url: bridge.url, token: bridge.token, prefix, ...options });
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
    await deleteKeys(url!, prefix);
  });

  limiterContract(
    'upstash',
    () => a,
    () => limiter(),
  );

  it('bridges the Upstash REST protocol: single commands, pipelines, transactions, base64', async () => {
    const redis = new Redis({ url: bridge.url, token, enableAutoPipelining: false, enableTelemetry: false });
    const key = `${prefix}:bridge:${randomUUID()}`;
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
