import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStoreKind } from '../../../../core/test/support.js';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { authMatrix } from '../../../test/support/security.js';

let gw: TestGateway;
let partner: Partner;
let n = 0;

beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

const idem = () => ({ 'idempotency-key': `wd-${Date.now()}-${++n}` });

/** A partner with `balance` in its NGN test wallet and a bank account ending in `last4`. */
async function funded(balance: number, last4 = '1234') {
  const p = await gw.createPartner();
  if (balance > 0) {
    const fund = await gw.request('POST', '/v1/test-helpers/wallets/fund', { key: p.key, body: { amount: balance } });
    expect(fund.status).toBe(200);
  }
  const bank = await gw.request('POST', '/v1/bank-accounts', {
    key: p.key,
    body: { bankCode: '058', accountNumber: `012345${last4}`, accountName: 'Ada Obi', currency: 'NGN' },
  });
  expect(bank.status).toBe(201);
  return { partner: p, bankAccount: bank.body };
}

describe('wallets, bank accounts, withdrawals and events: happy paths', () => {
  it('fund → wallet balances → withdrawal reserves amount + fee → events and wallet transactions', async () => {
    const { partner: p, bankAccount } = await funded(500_000);
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

    const wd = await gw.request('POST', '/v1/withdrawals', {
      key: p.key,
      headers: idem(),
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
    expect(events.body.data[0].request.idempotencyKey).toMatch(/^wd-/);
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

  it('GET /v1/event-types lists each type with a JSON Schema', async () => {
    const res = await gw.request('GET', '/v1/event-types', { key: partner.key });
    expect(res.status).toBe(200);
    const types = res.body.data.map((t: { type: string }) => t.type);
    expect(types).toEqual(expect.arrayContaining(['withdrawal.created', 'bank_account.added', 'account.suspended']));
    const schema = JSON.stringify(res.body.data.find((t: { type: string }) => t.type === 'withdrawal.created').schema);
    expect(schema).toContain('bankAccountId');
  });

  it('DELETE /v1/bank-accounts/{id} removes it (and a second delete is a 409)', async () => {
    const { partner: p, bankAccount } = await funded(0);
    const del = await gw.request('DELETE', `/v1/bank-accounts/${bankAccount.id}`, { key: p.key });
    expect(del.body.status).toBe('removed');
    const removed = await gw.request('GET', '/v1/events?type=bank_account.removed', { key: p.key });
    expect(removed.body.data[0].request.id).toBe(del.headers.get('x-request-id'));
    expect((await gw.request('GET', '/v1/bank-accounts', { key: p.key })).body.data).toEqual([]);
    expect((await gw.request('DELETE', `/v1/bank-accounts/${bankAccount.id}`, { key: p.key })).status).toBe(409);
  });
});

describe('money routes: bad input', () => {
  it('422 insufficient_funds, and nothing reserved', async () => {
    const { partner: p, bankAccount } = await funded(1_000);
    const res = await gw.request('POST', '/v1/withdrawals', {
      key: p.key,
      headers: idem(),
      body: { amount: 1_000, bankAccountId: bankAccount.id },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('insufficient_funds');
    const wallet = (await gw.request('GET', '/v1/wallets', { key: p.key })).body.data[0];
    expect(wallet.available.amount).toBe(1_000);
  });

  it('400 without an Idempotency-Key on a withdrawal', async () => {
    const res = await gw.request('POST', '/v1/withdrawals', {
      key: partner.key,
      body: { amount: 1, bankAccountId: 'ba_01jd8x3k5w9q4r7t2m6n0p8s1v' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_header');
  });

  it.each([
    [{ amount: 0, bankAccountId: 'ba_01jd8x3k5w9q4r7t2m6n0p8s1v' }, 'body.amount'],
    [{ amount: 1.5, bankAccountId: 'ba_01jd8x3k5w9q4r7t2m6n0p8s1v' }, 'body.amount'],
    [{ amount: 100, bankAccountId: 'cus_01jd8x3k5w9q4r7t2m6n0p8s1v' }, 'body.bankAccountId'],
  ])('400 for withdrawal %j naming %s', async (body, path) => {
    const res = await gw.request('POST', '/v1/withdrawals', { key: partner.key, headers: idem(), body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe(path);
  });

  it('400 for a bank account number that is not 10 digits; 422 when the bank cannot verify it', async () => {
    const bad = await gw.request('POST', '/v1/bank-accounts', {
      key: partner.key,
      body: { bankCode: '058', accountNumber: '12345', accountName: 'A', currency: 'NGN' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.accountNumber');
    expect(bad.text).not.toContain('12345');
    const unknown = await gw.request('POST', '/v1/bank-accounts', {
      key: partner.key,
      body: { bankCode: '058', accountNumber: '0123450006', accountName: 'A', currency: 'NGN' },
    });
    expect(unknown.status).toBe(422);
  });

  it('403 test_mode_only for test helpers with a live key', async () => {
    const live = await gw.createKey(partner.accountId, {}, true);
    const res = await gw.request('POST', '/v1/test-helpers/wallets/fund', { key: live.secret, body: { amount: 100 } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('test_mode_only');
  });

  it('no account number reaches the logs', async () => {
    expect(gw.logs.join('\n')).not.toMatch(/01234\d{5}/);
  });
});

describe('money routes: security', () => {
  it('other tenants’ wallets, bank accounts, withdrawals and events are 404', async () => {
    const { partner: a, bankAccount } = await funded(50_000);
    const wd = await gw.request('POST', '/v1/withdrawals', {
      key: a.key,
      headers: idem(),
      body: { amount: 1_000, bankAccountId: bankAccount.id },
    });
    const wallet = (await gw.request('GET', '/v1/wallets', { key: a.key })).body.data[0];
    const event = (await gw.request('GET', '/v1/events', { key: a.key })).body.data[0];
    const b = await gw.createPartner();
    for (const path of [
      `/v1/wallets/${wallet.id}`,
      `/v1/wallets/${wallet.id}/transactions`,
      `/v1/bank-accounts/${bankAccount.id}`,
      `/v1/withdrawals/${wd.body.id}`,
      `/v1/events/${event.id}`,
    ]) {
      const res = await gw.request('GET', path, { key: b.key });
      expect(res.status, path).toBe(404);
    }
    const steal = await gw.request('POST', '/v1/withdrawals', {
      key: b.key,
      headers: idem(),
      body: { amount: 1, bankAccountId: bankAccount.id },
    });
    expect(steal.status).toBe(404);
  });

  describe('GET /v1/wallets', () =>
    authMatrix(
      () => gw,
      () => ({ method: 'GET', path: '/v1/wallets', scope: 'wallets:read' }),
    ));
  describe('POST /v1/bank-accounts', () =>
    authMatrix(
      () => gw,
      () => ({ method: 'POST', path: '/v1/bank-accounts', scope: 'wallets:write', body: {} }),
    ));
  // The matrix's scope check uses an events:read key, so events routes are checked with another key.
  describe('GET /v1/withdrawals', () =>
    authMatrix(
      () => gw,
      () => ({ method: 'GET', path: '/v1/withdrawals', scope: 'wallets:read' }),
    ));
  it('403 insufficient_scope for GET /v1/events with a wallets-only key', async () => {
    const key = await gw.createKey(partner.accountId, { scopes: ['wallets:read'] });
    const res = await gw.request('GET', '/v1/events', { key: key.secret });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('events:read');
  });
});

describe.runIf(testStoreKind() === 'postgres')('withdrawals under concurrency over the gateway (Postgres)', () => {
  it('20 concurrent requests with one Idempotency-Key make one withdrawal', async () => {
    const { partner: p, bankAccount } = await funded(1_000_000);
    const headers = idem();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        gw.request('POST', '/v1/withdrawals', {
          key: p.key,
          headers,
          body: { amount: 10_000, bankAccountId: bankAccount.id },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect((await gw.request('GET', '/v1/withdrawals', { key: p.key })).body.data).toHaveLength(1);
  });
});
