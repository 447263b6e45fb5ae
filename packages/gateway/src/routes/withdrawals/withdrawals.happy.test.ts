import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../test/support/gateway.js';
import { fundedPartner, idempotencyHeader } from '../../../test/support/money.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

describe('withdrawals: happy paths', () => {
  it('POST /v1/withdrawals creates a pending withdrawal and reserves amount + fee', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 500_000);
    const wd = await gw.request('POST', '/v1/withdrawals', {
      key: p.key,
      headers: idempotencyHeader(),
      body: { amount: 100_000, bankAccountId: bankAccount.id },
    });
    expect(wd.status).toBe(201);
    expect(wd.body).toMatchObject({
      object: 'withdrawal',
      status: 'pending',
      bankAccountId: bankAccount.id,
      amount: { amount: 100_000, currency: 'NGN' },
      fee: { amount: 1_250, currency: 'NGN' },
    });
    expect(wd.body.id).toMatch(/^wd_[0-9a-z]{26}$/);
    const wallet = (await gw.request('GET', '/v1/wallets', { key: p.key })).body.data[0];
    expect(wallet).toMatchObject({ available: { amount: 398_750 }, pending: { amount: 101_250 } });
  });

  it('the fee is 1,000 + 25 bps, capped', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 1_000_000);
    const wd = await gw.request('POST', '/v1/withdrawals', {
      key: p.key,
      headers: idempotencyHeader(),
      body: { amount: 400_000, bankAccountId: bankAccount.id },
    });
    expect(wd.status).toBe(201);
    expect(wd.body.fee).toEqual({ amount: 2_000, currency: 'NGN' });
  });

  it('fund → wallet balances → withdrawal reserves amount + fee → events and wallet transactions', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 500_000);
    expect(bankAccount).toMatchObject({ object: 'bank_account', last4: '1234', status: 'verified' });
    expect(JSON.stringify(bankAccount)).not.toContain('0123451234');

    const wallets = await gw.request('GET', '/v1/wallets', { key: p.key });
    expect(wallets.body.data).toHaveLength(1);
    const wallet = wallets.body.data[0];
    expect(wallet).toMatchObject({
      object: 'wallet',
      currency: 'NGN',
      available: { amount: 500_000, currency: 'NGN' },
    });

    const headers = idempotencyHeader();
    const wd = await gw.request('POST', '/v1/withdrawals', {
      key: p.key,
      headers,
      body: { amount: 100_000, bankAccountId: bankAccount.id },
    });
    expect(wd.status).toBe(201);
    expect(wd.body).toMatchObject({
      object: 'withdrawal',
      status: 'pending',
      amount: { amount: 100_000 },
      fee: { amount: 1_250 },
    });

    const after = await gw.request('GET', `/v1/wallets/${wallet.id}`, { key: p.key });
    expect(after.body).toMatchObject({ available: { amount: 398_750 }, pending: { amount: 101_250 } });
    const txns = await gw.request('GET', `/v1/wallets/${wallet.id}/transactions`, { key: p.key });
    expect(txns.body.data.map((t: { type: string }) => t.type)).toEqual(['withdrawal_reserve', 'funding']);
    const sum = txns.body.data.reduce((s: number, t: { amount: { amount: number } }) => s + t.amount.amount, 0);
    expect(sum).toBe(398_750 + 101_250);

    const events = await gw.request('GET', '/v1/events?type=withdrawal.*', { key: p.key });
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual(['withdrawal.created']);
    expect(events.body.data[0].data.object.id).toBe(wd.body.id);
    expect(events.body.data[0].request.idempotencyKey).toBe(headers['idempotency-key']);
    const one = await gw.request('GET', `/v1/events/${events.body.data[0].id}`, { key: p.key });
    expect(one.body).toEqual(events.body.data[0]);
    const all = await gw.request('GET', '/v1/events', { key: p.key });
    const money = all.body.data.map((e: { type: string }) => e.type).filter((t: string) => !t.startsWith('api_key.'));
    expect(money).toEqual(['withdrawal.created', 'bank_account.added']);
    const added = all.body.data.find((e: { type: string }) => e.type === 'bank_account.added');
    expect(added.request.id).toMatch(/^req_/);

    const listed = await gw.request('GET', '/v1/withdrawals', { key: p.key });
    expect(listed.body.data.map((w: { id: string }) => w.id)).toEqual([wd.body.id]);
    expect((await gw.request('GET', `/v1/withdrawals/${wd.body.id}`, { key: p.key })).body).toEqual(wd.body);
  });

  it('GET /v1/withdrawals lists newest first and GET /v1/withdrawals/{id} retrieves one', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 100_000);
    const ids: string[] = [];
    for (const amount of [10_000, 20_000]) {
      const res = await gw.request('POST', '/v1/withdrawals', {
        key: p.key,
        headers: idempotencyHeader(),
        body: { amount, bankAccountId: bankAccount.id },
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const listed = await gw.request('GET', '/v1/withdrawals', { key: p.key });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((w: { id: string }) => w.id)).toEqual([...ids].reverse());
    const one = await gw.request('GET', `/v1/withdrawals/${ids[0]}`, { key: p.key });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: ids[0], object: 'withdrawal', amount: { amount: 10_000 } });
  });

  it('the same Idempotency-Key and body replays the first response and reserves nothing twice', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 500_000);
    const headers = idempotencyHeader();
    const body = { amount: 100_000, bankAccountId: bankAccount.id };
    const first = await gw.request('POST', '/v1/withdrawals', { key: p.key, headers, body });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await gw.request('POST', '/v1/withdrawals', { key: p.key, headers, body });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const wallet = (await gw.request('GET', '/v1/wallets', { key: p.key })).body.data[0];
    expect(wallet).toMatchObject({ available: { amount: 398_750 }, pending: { amount: 101_250 } });
    expect((await gw.request('GET', '/v1/withdrawals', { key: p.key })).body.data).toHaveLength(1);
    const events = await gw.request('GET', '/v1/events?type=withdrawal.*', { key: p.key });
    expect(events.body.data).toHaveLength(1);
  });

  it('accepts a currency that matches the bank account', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 50_000);
    const res = await gw.request('POST', '/v1/withdrawals', {
      key: p.key,
      headers: idempotencyHeader(),
      body: { amount: 10_000, currency: 'NGN', bankAccountId: bankAccount.id },
    });
    expect(res.status).toBe(201);
    expect(res.body.amount).toEqual({ amount: 10_000, currency: 'NGN' });
  });
});
