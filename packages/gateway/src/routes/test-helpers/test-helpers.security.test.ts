import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { authMatrix, type Operation } from '../../../test/support/security.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

const operations = (): Operation[] => [
  { method: 'POST', path: '/v1/test-helpers/wallets/fund', body: { amount: 100 }, scope: 'wallets:write' },
  { method: 'POST', path: '/v1/test-helpers/clock/advance', body: { seconds: 60 }, scope: 'wallets:write' },
];

for (const index of [0, 1]) {
  describe(`test helpers security: ${operations()[index]!.path}`, () => {
    authMatrix(
      () => gw,
      () => operations()[index]!,
    );
  });
}

describe('test helpers: live mode and tenancy', () => {
  it('403 test_mode_only for both helpers with a live key, and nothing is credited to the live wallet', async () => {
    const live = await gw.createKey(partner.accountId, {}, true);
    for (const o of operations()) {
      const res = await gw.request(o.method, o.path, { key: live.secret, body: o.body });
      expect(res.status, o.path).toBe(403);
      expect(res.body.code).toBe('test_mode_only');
    }
    const wallets = await gw.request('GET', '/v1/wallets', { key: live.secret });
    expect(wallets.status).toBe(200);
    for (const w of wallets.body.data) expect(w.available.amount).toBe(0);
  });

  it("one partner's fund and clock advance leave another partner's wallet and clock alone", async () => {
    const a = await gw.createPartner({ name: 'A' });
    const b = await gw.createPartner({ name: 'B' });
    expect(
      (await gw.request('POST', '/v1/test-helpers/wallets/fund', { key: a.key, body: { amount: 9_000 } })).status,
    ).toBe(200);
    const advanced = await gw.request('POST', '/v1/test-helpers/clock/advance', {
      key: a.key,
      body: { seconds: 86_400 },
    });
    expect(advanced.status).toBe(200);

    const bWallets = await gw.request('GET', '/v1/wallets', { key: b.key });
    expect(bWallets.status).toBe(200);
    expect(bWallets.body.data).toEqual([]);
    const bClock = await gw.request('POST', '/v1/test-helpers/clock/advance', { key: b.key, body: { seconds: 1 } });
    expect(Date.parse(bClock.body.now) - gw.clock.now().getTime()).toBe(1_000);
    const aWallets = await gw.request('GET', '/v1/wallets', { key: a.key });
    expect(aWallets.body.data[0].available.amount).toBe(9_000);
  });
});
