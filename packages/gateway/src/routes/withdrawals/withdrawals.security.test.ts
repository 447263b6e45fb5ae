import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStoreKind } from '../../../../core/test/support.js';
import { createTestGateway, type TestGateway } from '../../../test/support/gateway.js';
import { fundedPartner, idempotencyHeader } from '../../../test/support/money.js';
import { authMatrix } from '../../../test/support/security.js';

const postgres = testStoreKind() === 'postgres';
if (!postgres) console.log('[lendwire] skipping the concurrent withdrawal test: it needs the Postgres store');

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

describe('POST /v1/withdrawals', () =>
  authMatrix(
    () => gw,
    () => ({
      method: 'POST',
      path: '/v1/withdrawals',
      scope: 'wallets:write',
      body: { amount: 100, bankAccountId: 'ba_01jd8x3k5w9q4r7t2m6n0p8s1v' },
    }),
  ));
// The matrix's scope check uses an events:read key, so it covers GET /v1/withdrawals too.
describe('GET /v1/withdrawals', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: '/v1/withdrawals', scope: 'wallets:read' }),
  ));

describe('withdrawals: scopes and tenancy', () => {
  it('403 insufficient_scope naming wallets:write for a wallets:read-only key', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 50_000);
    const key = await gw.createKey(p.accountId, { scopes: ['wallets:read'] });
    const res = await gw.request('POST', '/v1/withdrawals', {
      key: key.secret,
      headers: idempotencyHeader(),
      body: { amount: 1_000, bankAccountId: bankAccount.id },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.body.detail).toContain('wallets:write');
    expect((await gw.request('GET', '/v1/withdrawals', { key: key.secret })).body.data).toEqual([]);
  });

  it('other tenants’ wallets, bank accounts, withdrawals and events are 404', async () => {
    const { partner: a, bankAccount } = await fundedPartner(gw, 50_000);
    const wd = await gw.request('POST', '/v1/withdrawals', {
      key: a.key,
      headers: idempotencyHeader(),
      body: { amount: 1_000, bankAccountId: bankAccount.id },
    });
    expect(wd.status).toBe(201);
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
    const listed = await gw.request('GET', '/v1/withdrawals', { key: b.key });
    expect(listed.body.data.map((w: { id: string }) => w.id)).not.toContain(wd.body.id);
  });

  it('404 when another partner tries to withdraw to someone else’s bank account, and nothing moves', async () => {
    const { partner: a, bankAccount } = await fundedPartner(gw, 50_000);
    const { partner: b } = await fundedPartner(gw, 50_000);
    const steal = await gw.request('POST', '/v1/withdrawals', {
      key: b.key,
      headers: idempotencyHeader(),
      body: { amount: 1, bankAccountId: bankAccount.id },
    });
    expect(steal.status).toBe(404);
    for (const p of [a, b]) {
      const wallet = (await gw.request('GET', '/v1/wallets', { key: p.key })).body.data[0];
      expect(wallet.available.amount).toBe(50_000);
    }
  });

  it('403 account_suspended on POST for a suspended account', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 50_000);
    const ok = await gw.request('POST', `/v1/accounts/${p.accountId}/suspend`);
    expect(ok.status).toBe(200);
    const res = await gw.request('POST', '/v1/withdrawals', {
      key: p.key,
      headers: idempotencyHeader(),
      body: { amount: 1_000, bankAccountId: bankAccount.id },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_suspended');
  });
});

describe.runIf(postgres)('withdrawals under concurrency over the gateway (Postgres)', () => {
  it('20 concurrent requests with one Idempotency-Key make one withdrawal', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 1_000_000);
    const headers = idempotencyHeader();
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
