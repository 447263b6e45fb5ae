import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway, unknownKey } from '../../../test/support/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway({ unauthenticatedLimit: { requests: 3, windowSeconds: 60 } });
});
afterAll(() => gw.close());

describe('failed authentication is throttled per client IP', () => {
  it('answers 401 with rate-limit headers, then 429 once the address has failed too often', async () => {
    const ip = '198.51.100.20';
    for (let i = 0; i < 3; i++) {
      const res = await gw.request('GET', '/v1/me', { key: unknownKey(), ip });
      expect(res.status).toBe(401);
      expect(res.headers.get('ratelimit-policy')).toBe('"unauthenticated";q=3;w=60');
      expect(res.headers.get('ratelimit')).toBe(
        `"unauthenticated";r=${2 - i};t=${res.headers.get('ratelimit')?.split('t=')[1]}`,
      );
    }
    const blocked = await gw.request('GET', '/v1/me', { key: unknownKey(), ip });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('does not hold back a valid key already in use from the same address, nor other addresses', async () => {
    const ip = '198.51.100.21';
    expect((await gw.request('GET', '/v1/me', { ip })).status).toBe(200);
    for (let i = 0; i < 4; i++) await gw.request('GET', '/v1/me', { key: null, ip });
    const valid = await gw.request('GET', '/v1/me', { ip });
    expect(valid.status).toBe(200);
    const other = await gw.request('GET', '/v1/me', { key: unknownKey(), ip: '198.51.100.22' });
    expect(other.status).toBe(401);
  });

  it('once an address is over its budget, keys it sends are refused before any lookup', async () => {
    const ip = '198.51.100.23';
    for (let i = 0; i < 4; i++) await gw.request('GET', '/v1/me', { key: unknownKey(), ip });
    const lookups = gw.services.apiKeys.authenticate;
    let calls = 0;
    gw.services.apiKeys.authenticate = (hash) => {
      calls++;
      return lookups.call(gw.services.apiKeys, hash);
    };
    try {
      for (let i = 0; i < 20; i++) {
        const res = await gw.request('GET', '/v1/me', { key: unknownKey(), ip });
        expect(res.status).toBe(429);
        expect(res.headers.get('ratelimit')).toMatch(/^"unauthenticated";r=0;t=\d+$/);
      }
      // A valid key this instance has not seen yet waits too: telling it apart would take a lookup.
      const fresh = await gw.createKey(gw.platformId, {});
      expect((await gw.request('GET', '/v1/me', { key: fresh.secret, ip })).status).toBe(429);
    } finally {
      gw.services.apiKeys.authenticate = lookups;
    }
    expect(calls).toBe(0);
    gw.clock.advance(61_000);
    expect((await gw.request('GET', '/v1/me', { ip })).status).toBe(200);
  });

  it('caches at most 64 unknown keys per address, so a flood cannot evict valid keys', async () => {
    const ip = '198.51.100.24';
    const wide = await createTestGateway({ unauthenticatedLimit: { requests: 1000, windowSeconds: 60 } });
    try {
      for (let i = 0; i < 100; i++) await wide.request('GET', '/v1/me', { key: unknownKey(), ip });
      expect(wide.app.deps.keyCache.negativesFor(ip)).toBe(64);
    } finally {
      await wide.close();
    }
  });
});
