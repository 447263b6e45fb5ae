import { randomUUID } from 'node:crypto';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { startUpstashRestBridge, type UpstashRestBridge } from '../../../test/support/upstash-rest-bridge.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../app.js';
import { createJsonLogger } from '../../logger.js';
import { createRedisRateLimiter, nodeSha256Hex } from '../../node/index.js';
import type { RateLimiter } from '../../rate-limit/types.js';
import { createUpstashRestRateLimiter } from '../../rate-limit/upstash.js';
import { policyKey, routePolicies } from '../../routes/define.js';
import { clientIpResolver } from '../auth/index.js';

const redisUrl = process.env.LENDWIRE_TEST_REDIS_URL;
if (!redisUrl)
  console.log('[lendwire] skipping Redis-backed gateway rate-limit tests: LENDWIRE_TEST_REDIS_URL is not set');

/** Small tiers so a test reaches them in a few requests. */
const TIERS = {
  free: { requests: 10, windowSeconds: 60 },
  growth: { requests: 20, windowSeconds: 60 },
  scale: { requests: 30, windowSeconds: 3600 },
};
const POLICY = /^"(free|growth|scale|key)";q=(\d+);w=(\d+)$/;
const REMAINING = /^"(free|growth|scale|key)";r=(\d+);t=(\d+)$/;

let gw: TestGateway;
const opened: RateLimiter[] = [];

beforeAll(async () => {
  // The in-process limiter runs on the test clock: windows only move when a test moves the clock.
  gw = await createTestGateway({ tiers: TIERS });
});
afterAll(async () => {
  await Promise.all(opened.map((l) => l.close()));
  await gw.close();
});

/** Another gateway instance over the same database (as several processes would be), with its own limiter. */
function gatewayWith(options: Partial<Omit<GatewayOptions, 'services'>>) {
  const logs: string[] = [];
  const app = createGateway({
    services: gw.services,
    ping: gw.store.handle.ping,
    logger: createJsonLogger({ level: 'debug', write: (line) => logs.push(line) }),
    hash: nodeSha256Hex,
    now: gw.clock.now,
    tiers: TIERS,
    clientIp: clientIpResolver('x-forwarded-for'),
    ...options,
  });
  if (options.limiter) opened.push(options.limiter);
  return {
    app,
    logs,
    request: (method: string, path: string, key: string, body?: unknown) => call(app, method, path, key, body),
  };
}

async function call(app: Gateway, method: string, path: string, key: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const me = (key: string) => gw.request('GET', '/v1/me', { key });
const remaining = (res: { headers: Headers }) => Number(REMAINING.exec(res.headers.get('ratelimit') ?? '')?.[2]);

/** A limiter whose backend is down: every check rejects, as ioredis does on a refused connection. */
function brokenLimiter(pingFails = false): RateLimiter {
  return {
    kind: 'redis',
    limit: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
    ping: () => (pingFails ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) : Promise.resolve()),
    close: () => Promise.resolve(),
  };
}

describe('rate-limit headers (in-process limiter)', () => {
  let partner: Partner;
  beforeAll(async () => {
    partner = await gw.createPartner();
  });

  it('uses the exact draft-ietf-httpapi-ratelimit-headers syntax and counts down', async () => {
    const first = await me(partner.key);
    const second = await me(partner.key);
    expect(first.headers.get('ratelimit-policy')).toBe('"free";q=10;w=60');
    expect(first.headers.get('ratelimit')).toMatch(/^"free";r=9;t=([1-9]|[1-5]\d|60)$/);
    expect(second.headers.get('ratelimit')).toMatch(/^"free";r=8;t=\d+$/);
  });

  it('puts both headers on every authenticated response, whatever its status', async () => {
    const scoped = await gw.createKey(partner.accountId, { scopes: ['events:read'] });
    const responses = [
      await gw.request('POST', '/v1/customers', { key: partner.key, body: { name: 'Ada' } }), // 201
      await gw.request('GET', '/v1/customers/cus_01jd8x3k5w9q4r7t2m6n0p8s1v', { key: partner.key }), // 404
      await gw.request('POST', '/v1/customers', { key: partner.key, body: { name: '' } }), // 400
      await gw.request('GET', '/v1/customers', { key: scoped.secret }), // 403 insufficient_scope
      await gw.request('GET', '/v1/nothing-here', { key: partner.key }), // 404 route_not_found
    ];
    expect(responses.map((r) => r.status)).toEqual([201, 404, 400, 403, 404]);
    for (const res of responses) {
      expect(res.headers.get('ratelimit-policy')).toMatch(POLICY);
      expect(res.headers.get('ratelimit')).toMatch(REMAINING);
    }
  });

  it('puts them on the 403 of a suspended account too', async () => {
    const suspended = await gw.createPartner();
    await gw.services.accounts.setStatus(suspended.accountId, 'suspended');
    const res = await gw.request('GET', '/v1/customers', { key: suspended.key });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_suspended');
    expect(res.headers.get('ratelimit-policy')).toBe('"free";q=10;w=60');
    expect(res.headers.get('ratelimit')).toMatch(/^"free";r=9;t=\d+$/);
  });
});

describe('limits (in-process limiter)', () => {
  it('refuses with 429 rate_limited, Retry-After and the headers once the budget is spent', async () => {
    const partner = await gw.createPartner();
    for (let i = 0; i < 10; i++) expect((await me(partner.key)).status).toBe(200);
    const res = await me(partner.key);
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ code: 'rate_limited', status: 429 });
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers.get('ratelimit-policy')).toBe('"free";q=10;w=60');
    expect(res.headers.get('ratelimit')).toBe(`"free";r=0;t=${retryAfter}`);

    // Once the window has passed, the budget is back.
    gw.clock.advance(retryAfter * 1000);
    const later = await me(partner.key);
    expect(later.status).toBe(200);
    expect(remaining(later)).toBe(9);
  });

  it('takes route cost weights from the budget: rotating a key costs 5', async () => {
    const rotatePolicy = routePolicies.get(policyKey('POST', '/v1/api-keys/:id/rotate'));
    expect(rotatePolicy?.cost).toBe(5);
    const partner = await gw.createPartner();
    const target = await gw.createKey(partner.accountId, { name: 'to rotate' });
    const rotate = () =>
      gw.request('POST', `/v1/api-keys/${target.id}/rotate`, { key: partner.key, body: { gracePeriodSeconds: 0 } });

    expect(remaining(await me(partner.key))).toBe(9);
    const rotated = await rotate();
    expect(rotated.status).toBe(200);
    expect(remaining(rotated)).toBe(4);
    // 4 left: a rotation (5) is refused, a cheap call (1) still passes, and the refusal took nothing.
    const refused = await rotate();
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toContain('costs 5');
    expect(remaining(await me(partner.key))).toBe(3);
  });

  it('applies a per-key override (policy "key") with its own budget', async () => {
    const partner = await gw.createPartner();
    const limited = await gw.createKey(partner.accountId, { rateLimit: { requests: 3, windowSeconds: 10 } });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await me(limited.secret));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(results[0]!.headers.get('ratelimit-policy')).toBe('"key";q=3;w=10');
    expect(results[0]!.headers.get('ratelimit')).toMatch(/^"key";r=2;t=([1-9]|10)$/);
    expect(results[0]!.body.rateLimit).toEqual({ policy: 'key', requests: 3, windowSeconds: 10 });
    // The account's tier budget is untouched by the key with its own limit.
    expect(remaining(await me(partner.key))).toBe(9);
  });

  it('takes tier limits from the options', async () => {
    for (const [tier, limit] of Object.entries(TIERS)) {
      const partner = await gw.createPartner({ tier: tier as keyof typeof TIERS });
      const res = await me(partner.key);
      expect(res.headers.get('ratelimit-policy')).toBe(`"${tier}";q=${limit.requests};w=${limit.windowSeconds}`);
      expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"${tier}";r=${limit.requests - 1};t=\\d+$`));
      expect(res.body.rateLimit).toEqual({ policy: tier, ...limit });
    }
  });

  it('shares one budget per account and mode between keys without an override', async () => {
    const partner = await gw.createPartner();
    const second = await gw.createKey(partner.accountId, { name: 'second' });
    for (let i = 0; i < 6; i++) await me(partner.key);
    expect(remaining(await me(second.secret))).toBe(3);
    for (let i = 0; i < 3; i++) await me(second.secret);
    expect((await me(partner.key)).status).toBe(429);
    // Live mode is another budget.
    const live = await gw.createKey(partner.accountId, { name: 'live' }, true);
    const res = await me(live.secret);
    expect(res.status).toBe(200);
    expect(remaining(res)).toBe(9);
  });
});

describe('limiter outage', () => {
  it('fails open by default: the request passes, the failure is logged and counted on /readyz', async () => {
    const partner = await gw.createPartner();
    const g = gatewayWith({ limiter: brokenLimiter() });
    const res = await g.request('GET', '/v1/me', partner.key);
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-policy')).toBe('"free";q=10;w=60');
    expect(res.headers.get('ratelimit')).toBeNull();
    const created = await g.request('POST', '/v1/customers', partner.key, { name: 'Still served' });
    expect(created.status).toBe(201);

    const warnings = g.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'rate limiter unavailable');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ level: 'warn', limiter: 'redis', mode: 'open' });
    expect(warnings[0].error).toContain('ECONNREFUSED');
    expect(warnings[0].requestId).toBe(res.headers.get('x-request-id'));

    const ready = await g.request('GET', '/readyz', partner.key);
    expect(ready.status).toBe(200);
    expect(ready.body.rateLimiter).toEqual({ kind: 'redis', failures: 2, failMode: 'open' });
  });

  it('/readyz shows a limiter that does not answer: degraded (200) failing open, not ready (503) failing closed', async () => {
    const open = await gatewayWith({ limiter: brokenLimiter(true) }).request('GET', '/readyz', gw.rootKey);
    expect(open.status).toBe(200);
    expect(open.body.status).toBe('degraded');
    expect(open.body.checks.rateLimiter).toEqual({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
    expect(open.body.checks.database).toEqual({ ok: true });

    const closed = gatewayWith({ limiter: brokenLimiter(true), rateLimitFail: 'closed' });
    const res = await closed.request('GET', '/readyz', gw.rootKey);
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('not_ready');
    expect(res.body.checks.rateLimiter.ok).toBe(false);
  });

  it('fails closed when configured: 503 service_unavailable, and the handler does not run', async () => {
    const partner = await gw.createPartner();
    const g = gatewayWith({ limiter: brokenLimiter(), rateLimitFail: 'closed' });
    const res = await g.request('POST', '/v1/customers', partner.key, { name: 'Refused' });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('service_unavailable');
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await gw.request('GET', '/v1/customers', { key: partner.key })).body.data).toEqual([]);
    const warning = g.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'rate limiter unavailable');
    expect(warning).toMatchObject({ level: 'warn', mode: 'closed' });
    expect((await g.request('GET', '/readyz', partner.key)).body.rateLimiter.failures).toBe(1);
  });

  it('a dead Redis (nothing listening) is served when failing open, refused when failing closed', async () => {
    const partner = await gw.createPartner();
    const open = gatewayWith({ limiter: createRedisRateLimiter('redis://127.0.0.1:1', { timeoutMs: 300 }) });
    const closed = gatewayWith({
      limiter: createRedisRateLimiter('redis://127.0.0.1:1', { timeoutMs: 300 }),
      rateLimitFail: 'closed',
    });
    const [served, refused] = await Promise.all([
      open.request('GET', '/v1/me', partner.key),
      closed.request('GET', '/v1/me', partner.key),
    ]);
    expect(served.status).toBe(200);
    expect(served.headers.get('ratelimit-policy')).toBe('"free";q=10;w=60');
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('service_unavailable');
  });
});

/**
 * Fires `n` requests at once at GET /v1/me with a key limited to `limit` per minute; returns the statuses.
 * A limiter call that failed would have let its request through (fail open): none may have.
 */
async function burst(app: Gateway, accountId: string, n: number, limit: number): Promise<number[]> {
  const key = await gw.createKey(accountId, { name: 'burst', rateLimit: { requests: limit, windowSeconds: 60 } });
  const results = await Promise.all(Array.from({ length: n }, () => call(app, 'GET', '/v1/me', key.secret)));
  expect(app.deps.metrics.limiterFailures, 'limiter calls failed (timed out?) and failed open').toBe(0);
  return results.map((r) => r.status);
}

/**
 * A loaded machine can take longer than the default 1 s for the last of 200 simultaneous calls; a timeout
 * fails open and would admit a request. These tests are about counting, so they wait longer.
 */
const BURST_TIMEOUT_MS = 10_000;

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe('200 parallel requests against a limit of 50', () => {
  it('in-process: exactly 50 pass, 150 get 429', async () => {
    const partner = await gw.createPartner();
    const statuses = await burst(gw.app, partner.accountId, 200, 50);
    expect(count(statuses, 200)).toBeLessThanOrEqual(50);
    expect(count(statuses, 200)).toBe(50);
    expect(count(statuses, 429)).toBe(150);
  });

  describe.skipIf(!redisUrl)('on Redis (TCP) and Upstash (REST through the local bridge)', () => {
    const prefix = `lendwire:test:gateway:${randomUUID()}`;
    let bridge: UpstashRestBridge;
    let partner: Partner;

    beforeAll(async () => {
      bridge = await startUpstashRestBridge({ redisUrl: redisUrl!, token: `tok_${randomUUID()}` });
      partner = await gw.createPartner();
    });

    /**
     * The Redis limiters count in fixed windows of real time, aligned to the epoch: start each burst away
     * from a minute boundary so that it never straddles two windows (a burst takes ~1 s, 2 s on a busy CI).
     */
    beforeEach(async () => {
      const left = 60_000 - (Date.now() % 60_000);
      if (left < 4_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
    });

    afterAll(async () => {
      await bridge?.close();
      const redis = new IORedis(redisUrl!);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    });

    it('Redis over TCP: exactly 50 pass, 150 get 429', async () => {
      const { app } = gatewayWith({
        limiter: createRedisRateLimiter(redisUrl!, {
          prefix,
          timeoutMs: BURST_TIMEOUT_MS,
          commandTimeoutMs: BURST_TIMEOUT_MS,
        }),
      });
      const statuses = await burst(app, partner.accountId, 200, 50);
      expect(count(statuses, 200)).toBeLessThanOrEqual(50);
      expect(count(statuses, 200)).toBe(50);
      expect(count(statuses, 429)).toBe(150);
    });

    it('Upstash over REST: exactly 50 pass, 150 get 429', async () => {
      const { app } = gatewayWith({
        limiter: createUpstashRestRateLimiter({
          url: bridge.url,
          token: bridge.token,
          prefix,
          timeoutMs: BURST_TIMEOUT_MS,
        }),
      });
      const statuses = await burst(app, partner.accountId, 200, 50);
      expect(count(statuses, 200)).toBeLessThanOrEqual(50);
      expect(count(statuses, 200)).toBe(50);
      expect(count(statuses, 429)).toBe(150);
    });

    it('two gateway instances on one Redis share the budget', async () => {
      const timeoutMs = BURST_TIMEOUT_MS;
      const a = gatewayWith({
        limiter: createRedisRateLimiter(redisUrl!, { prefix, timeoutMs, commandTimeoutMs: timeoutMs }),
      });
      const b = gatewayWith({
        limiter: createUpstashRestRateLimiter({ url: bridge.url, token: bridge.token, prefix, timeoutMs }),
      });
      const key = await gw.createKey(partner.accountId, { rateLimit: { requests: 20, windowSeconds: 60 } });
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a.app : b.app)).map((app) =>
          call(app, 'GET', '/v1/me', key.secret),
        ),
      );
      expect(a.app.deps.metrics.limiterFailures + b.app.deps.metrics.limiterFailures).toBe(0);
      expect(
        count(
          results.map((r) => r.status),
          200,
        ),
      ).toBe(20);
      const last = await a.request('GET', '/v1/me', key.secret);
      expect(last.status).toBe(429);
      expect(last.headers.get('ratelimit')).toMatch(/^"key";r=0;t=\d+$/);
    });
  });
});
