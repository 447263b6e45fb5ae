import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../test/support/gateway.js';
import { fundedPartner } from '../../../test/support/money.js';

const UNKNOWN_WALLET = 'wal_01jd8x3k5w9q4r7t2m6n0p8s1v';

let gw: TestGateway;
let key: string;
let walletId: string;
beforeAll(async () => {
  gw = await createTestGateway();
  const { partner } = await fundedPartner(gw, 10_000);
  key = partner.key;
  walletId = (await gw.request('GET', '/v1/wallets', { key })).body.data[0].id;
});
afterAll(() => gw.close());

describe('wallets: bad input', () => {
  it.each([
    ['/v1/wallets/not-an-id'],
    ['/v1/wallets/cus_01jd8x3k5w9q4r7t2m6n0p8s1v'],
    ['/v1/wallets/not-an-id/transactions'],
    ['/v1/wallets/cus_01jd8x3k5w9q4r7t2m6n0p8s1v/transactions'],
  ])('400 validation_failed naming path.id for %s', async (path) => {
    const res = await gw.request('GET', path, { key });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors[0].path).toBe('path.id');
  });

  it('404 not_found for a well-formed unknown wallet id on retrieve and transactions', async () => {
    for (const path of [`/v1/wallets/${UNKNOWN_WALLET}`, `/v1/wallets/${UNKNOWN_WALLET}/transactions`]) {
      const res = await gw.request('GET', path, { key });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.code).toBe('not_found');
    }
  });

  it.each(['0', '101', '500', 'abc', '1e2', '0x10', '-1'])('400 naming query.limit for limit=%s', async (limit) => {
    for (const path of ['/v1/wallets', `/v1/wallets/${walletId}/transactions`]) {
      const res = await gw.request('GET', `${path}?limit=${encodeURIComponent(limit)}`, { key });
      expect(res.status, path).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors[0].path).toBe('query.limit');
    }
  });

  it.each(['nope', 'wal_short', '123'])('400 naming query.startingAfter for startingAfter=%s', async (cursor) => {
    for (const path of ['/v1/wallets', `/v1/wallets/${walletId}/transactions`]) {
      const res = await gw.request('GET', `${path}?startingAfter=${cursor}`, { key });
      expect(res.status, path).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors[0].path).toBe('query.startingAfter');
    }
  });
});
