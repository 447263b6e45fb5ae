import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../test/support/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const fund = (key: string, body: unknown) => gw.request('POST', '/v1/test-helpers/wallets/fund', { key, body });
const advance = (key: string, seconds: number) =>
  gw.request('POST', '/v1/test-helpers/clock/advance', { key, body: { seconds } });

describe('test helpers: happy paths', () => {
  it('POST /v1/test-helpers/wallets/fund credits the NGN test wallet, and funding twice adds up', async () => {
    const partner = await gw.createPartner();
    const first = await fund(partner.key, { amount: 150_000 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      object: 'wallet',
      currency: 'NGN',
      available: { amount: 150_000, currency: 'NGN' },
      livemode: false,
    });
    const second = await fund(partner.key, { amount: 50_000, currency: 'NGN' });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.available.amount).toBe(200_000);
    const wallet = await gw.request('GET', `/v1/wallets/${first.body.id}`, { key: partner.key });
    expect(wallet.body.available.amount).toBe(200_000);
  });

  it('records each credit as a funding wallet transaction', async () => {
    const partner = await gw.createPartner();
    const wallet = (await fund(partner.key, { amount: 7_500 })).body;
    const txns = await gw.request('GET', `/v1/wallets/${wallet.id}/transactions`, { key: partner.key });
    expect(txns.status).toBe(200);
    expect(txns.body.data).toHaveLength(1);
    expect(txns.body.data[0]).toMatchObject({ type: 'funding', amount: { amount: 7_500, currency: 'NGN' } });
  });

  it('POST /v1/test-helpers/clock/advance moves test time `seconds` ahead, and advancing again adds up', async () => {
    // The in-process test gateway has no job workers (`runDueWork` is undefined); src/node/payouts.test.ts covers due work.
    const partner = await gw.createPartner();
    const real = gw.clock.now().getTime();
    const first = await advance(partner.key, 3_600);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ object: 'test_clock', now: expect.any(String) });
    expect(new Date(first.body.now).toISOString()).toBe(first.body.now);
    expect(Date.parse(first.body.now) - real).toBe(3_600_000);
    const second = await advance(partner.key, 86_400);
    expect(second.status).toBe(200);
    expect(Date.parse(second.body.now) - real).toBe((3_600 + 86_400) * 1000);
  });
});
