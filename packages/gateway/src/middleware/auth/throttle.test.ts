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

  it('does not hold back valid keys from the same address, nor other addresses', async () => {
    const ip = '198.51.100.21';
    for (let i = 0; i < 4; i++) await gw.request('GET', '/v1/me', { key: null, ip });
    const valid = await gw.request('GET', '/v1/me', { ip });
    expect(valid.status).toBe(200);
    const other = await gw.request('GET', '/v1/me', { key: unknownKey(), ip: '198.51.100.22' });
    expect(other.status).toBe(401);
  });
});
