import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { fundedPartner } from '../../../test/support/money.js';
import { authMatrix } from '../../../test/support/security.js';

let gw: TestGateway;
let owner: Partner;
let intruder: Partner;
let walletId: string;
beforeAll(async () => {
  gw = await createTestGateway();
  owner = (await fundedPartner(gw, 50_000)).partner;
  intruder = (await fundedPartner(gw, 10_000)).partner;
  walletId = (await gw.request('GET', '/v1/wallets', { key: owner.key })).body.data[0].id;
});
afterAll(() => gw.close());

const operations = () => [
  { method: 'GET', path: '/v1/wallets', scope: 'wallets:read' },
  { method: 'GET', path: `/v1/wallets/${walletId}`, scope: 'wallets:read' },
  { method: 'GET', path: `/v1/wallets/${walletId}/transactions`, scope: 'wallets:read' },
];

for (const index of [0, 1, 2]) {
  describe(`wallets security: operation ${index}`, () => {
    authMatrix(
      () => gw,
      () => operations()[index]!,
    );
  });
}

describe('wallets: tenancy and scopes', () => {
  it("404 (never 403) for another account's wallet on retrieve and transactions", async () => {
    for (const path of [`/v1/wallets/${walletId}`, `/v1/wallets/${walletId}/transactions`]) {
      const res = await gw.request('GET', path, { key: intruder.key });
      expect(res.status, path).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
  });

  it("lists never include another account's wallet", async () => {
    const res = await gw.request('GET', '/v1/wallets', { key: intruder.key });
    expect(res.status).toBe(200);
    expect(res.body.data.map((w: { id: string }) => w.id)).not.toContain(walletId);
  });

  it('a wallets:read key reads every wallet route', async () => {
    const key = await gw.createKey(owner.accountId, { scopes: ['wallets:read'] });
    for (const o of operations()) {
      const res = await gw.request(o.method, o.path, { key: key.secret });
      expect(res.status, o.path).toBe(200);
    }
  });

  it('403 insufficient_scope naming wallets:read for a customers:read key', async () => {
    const key = await gw.createKey(owner.accountId, { scopes: ['customers:read'] });
    for (const o of operations()) {
      const res = await gw.request(o.method, o.path, { key: key.secret });
      expect(res.status, o.path).toBe(403);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.code).toBe('insufficient_scope');
      expect(res.body.detail).toContain('wallets:read');
    }
  });

  it('a live key does not see the test wallet', async () => {
    const live = await gw.createKey(owner.accountId, {}, true);
    const res = await gw.request('GET', `/v1/wallets/${walletId}`, { key: live.secret });
    expect(res.status).toBe(404);
  });
});
