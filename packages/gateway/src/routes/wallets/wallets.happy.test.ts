import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { fundedPartner, idempotencyHeader } from '../../../test/support/money.js';

let gw: TestGateway;
let partner: Partner;
let bankAccountId: string;
beforeAll(async () => {
  gw = await createTestGateway();
  const funded = await fundedPartner(gw, 500_000);
  partner = funded.partner;
  bankAccountId = funded.bankAccount.id;
});
afterAll(() => gw.close());

describe('wallets: happy paths', () => {
  it('GET /v1/wallets lists the funded wallet with available and pending Money', async () => {
    const res = await gw.request('GET', '/v1/wallets', { key: partner.key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'list', hasMore: false, nextCursor: null });
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({
      object: 'wallet',
      currency: 'NGN',
      livemode: false,
      available: { amount: 500_000, currency: 'NGN' },
      pending: { amount: 0, currency: 'NGN' },
    });
    expect(res.body.data[0].id).toMatch(/^wal_[0-9a-z]{26}$/);
  });

  it('GET /v1/wallets/{id} equals the list item and carries an ETag', async () => {
    const list = await gw.request('GET', '/v1/wallets', { key: partner.key });
    const wallet = list.body.data[0];
    const res = await gw.request('GET', `/v1/wallets/${wallet.id}`, { key: partner.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(wallet);
    expect(res.headers.get('etag')).toMatch(/^W\/"[0-9a-f]{32}"$/);
  });

  it('after a withdrawal, transactions list newest first and sum to available + pending', async () => {
    const wallet = (await gw.request('GET', '/v1/wallets', { key: partner.key })).body.data[0];
    const wd = await gw.request('POST', '/v1/withdrawals', {
      key: partner.key,
      headers: idempotencyHeader(),
      body: { amount: 100_000, bankAccountId },
    });
    expect(wd.status).toBe(201);

    const after = await gw.request('GET', `/v1/wallets/${wallet.id}`, { key: partner.key });
    expect(after.body).toMatchObject({ available: { amount: 398_750 }, pending: { amount: 101_250 } });

    const txns = await gw.request('GET', `/v1/wallets/${wallet.id}/transactions`, { key: partner.key });
    expect(txns.status).toBe(200);
    expect(txns.body.data.map((t: { type: string }) => t.type)).toEqual(['withdrawal_reserve', 'funding']);
    const times = txns.body.data.map((t: { createdAt: string }) => t.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const sum = txns.body.data.reduce((s: number, t: { amount: { amount: number } }) => s + t.amount.amount, 0);
    expect(sum).toBe(after.body.available.amount + after.body.pending.amount);
  });

  it('transactions page with limit=1 and startingAfter', async () => {
    const wallet = (await gw.request('GET', '/v1/wallets', { key: partner.key })).body.data[0];
    const all = await gw.request('GET', `/v1/wallets/${wallet.id}/transactions`, { key: partner.key });
    expect(all.body.data.length).toBeGreaterThanOrEqual(2);
    const ids = all.body.data.map((t: { id: string }) => t.id);

    const first = await gw.request('GET', `/v1/wallets/${wallet.id}/transactions?limit=1`, { key: partner.key });
    expect(first.status).toBe(200);
    expect(first.body.data.map((t: { id: string }) => t.id)).toEqual([ids[0]]);
    expect(first.body.hasMore).toBe(true);
    expect(first.body.nextCursor).toBe(ids[0]);

    const second = await gw.request(
      'GET',
      `/v1/wallets/${wallet.id}/transactions?limit=1&startingAfter=${first.body.nextCursor}`,
      { key: partner.key },
    );
    expect(second.status).toBe(200);
    expect(second.body.data.map((t: { id: string }) => t.id)).toEqual([ids[1]]);
  });

  it('GET /v1/wallets pages with limit=1', async () => {
    const res = await gw.request('GET', '/v1/wallets?limit=1', { key: partner.key });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body).toMatchObject({ hasMore: false, nextCursor: null });
    const after = await gw.request('GET', `/v1/wallets?limit=1&startingAfter=${res.body.data[0].id}`, {
      key: partner.key,
    });
    expect(after.status).toBe(200);
    expect(after.body.data).toEqual([]);
  });
});
