import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { fundedPartner, idempotencyHeader } from '../../../test/support/money.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

const WELL_FORMED_BANK = 'ba_01jd8x3k5w9q4r7t2m6n0p8s1v';

describe('withdrawals: bad input', () => {
  it('400 invalid_header without an Idempotency-Key', async () => {
    const res = await gw.request('POST', '/v1/withdrawals', {
      key: partner.key,
      body: { amount: 1, bankAccountId: WELL_FORMED_BANK },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_header');
  });

  it.each([
    [{ amount: 0, bankAccountId: WELL_FORMED_BANK }, 'body.amount'],
    [{ amount: 1.5, bankAccountId: WELL_FORMED_BANK }, 'body.amount'],
    [{ amount: -100, bankAccountId: WELL_FORMED_BANK }, 'body.amount'],
    [{ amount: 1_000_000_000_001, bankAccountId: WELL_FORMED_BANK }, 'body.amount'],
    [{ amount: 100, bankAccountId: 'cus_01jd8x3k5w9q4r7t2m6n0p8s1v' }, 'body.bankAccountId'],
  ])('400 for withdrawal %j naming %s', async (body, path) => {
    const res = await gw.request('POST', '/v1/withdrawals', { key: partner.key, headers: idempotencyHeader(), body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe(path);
  });

  it('400 for an unknown field', async () => {
    const res = await gw.request('POST', '/v1/withdrawals', {
      key: partner.key,
      headers: idempotencyHeader(),
      body: { amount: 100, bankAccountId: WELL_FORMED_BANK, fee: 0 },
    });
    expect(res.status).toBe(400);
  });

  it('422 for a currency the bank account does not take', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 50_000);
    const res = await gw.request('POST', '/v1/withdrawals', {
      key: p.key,
      headers: idempotencyHeader(),
      body: { amount: 1_000, currency: 'USD', bankAccountId: bankAccount.id },
    });
    expect(res.status).toBe(422);
    const wallet = (await gw.request('GET', '/v1/wallets', { key: p.key })).body.data[0];
    expect(wallet.available.amount).toBe(50_000);
  });

  it('422 insufficient_funds, and nothing reserved', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 1_000);
    const res = await gw.request('POST', '/v1/withdrawals', {
      key: p.key,
      headers: idempotencyHeader(),
      body: { amount: 1_000, bankAccountId: bankAccount.id },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('insufficient_funds');
    const wallet = (await gw.request('GET', '/v1/wallets', { key: p.key })).body.data[0];
    expect(wallet.available.amount).toBe(1_000);
    expect(wallet.pending.amount).toBe(0);
    expect((await gw.request('GET', '/v1/withdrawals', { key: p.key })).body.data).toEqual([]);
  });

  it('422 for a removed bank account', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 50_000);
    const del = await gw.request('DELETE', `/v1/bank-accounts/${bankAccount.id}`, { key: p.key });
    expect(del.status).toBe(200);
    const res = await gw.request('POST', '/v1/withdrawals', {
      key: p.key,
      headers: idempotencyHeader(),
      body: { amount: 1_000, bankAccountId: bankAccount.id },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain('removed');
  });

  it('422 idempotency_key_reused for the same key with a different body, creating nothing more', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 50_000);
    const headers = idempotencyHeader();
    const first = await gw.request('POST', '/v1/withdrawals', {
      key: p.key,
      headers,
      body: { amount: 1_000, bankAccountId: bankAccount.id },
    });
    expect(first.status).toBe(201);
    const res = await gw.request('POST', '/v1/withdrawals', {
      key: p.key,
      headers,
      body: { amount: 2_000, bankAccountId: bankAccount.id },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('idempotency_key_reused');
    expect((await gw.request('GET', '/v1/withdrawals', { key: p.key })).body.data).toHaveLength(1);
  });

  it('400 naming path.id for a malformed id', async () => {
    const res = await gw.request('GET', '/v1/withdrawals/not-an-id', { key: partner.key });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('path.id');
  });

  it('404 for an unknown well-formed id', async () => {
    const res = await gw.request('GET', '/v1/withdrawals/wd_01jd8x3k5w9q4r7t2m6n0p8s1v', { key: partner.key });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });
});
