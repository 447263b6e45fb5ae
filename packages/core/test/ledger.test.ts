import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsufficientFundsError, ServiceError, type TenantScope } from '../src/index.js';
import { openTestStore, type TestStore, testStoreKind } from './support.js';

let store: TestStore;
let scope: TenantScope;
let n = 0;
const ref = (what: string) => `test:${what}:${++n}`;

beforeAll(async () => {
  store = await openTestStore();
  const account = await store.services.accounts.create({ name: 'Ledger Co', contactEmail: 'l@example.com' });
  scope = { accountId: account.id, livemode: false };
});
afterAll(() => store.close());

/** Credits the wallet from the external bank system account. */
async function fund(walletScope: TenantScope, amount: number, currency = 'NGN') {
  const { ledger, wallets } = store.services;
  const wallet = await wallets.ensure(walletScope, currency);
  const bank = await ledger.systemAccount('external_bank', currency, walletScope.livemode);
  await ledger.post({
    reference: ref('fund'),
    type: 'funding',
    livemode: walletScope.livemode,
    entries: [
      { ledgerAccountId: bank, amount: -amount, currency },
      { ledgerAccountId: wallet.availableAccountId, amount, currency },
    ],
  });
  return wallet;
}

/** Moves `amount` from available to pending (a withdrawal reserve). */
function reserve(
  wallet: { availableAccountId: string; pendingAccountId: string },
  amount: number,
  reference = ref('reserve'),
) {
  return store.services.ledger.post({
    reference,
    type: 'withdrawal_reserve',
    livemode: false,
    entries: [
      { ledgerAccountId: wallet.availableAccountId, amount: -amount, currency: 'NGN' },
      { ledgerAccountId: wallet.pendingAccountId, amount, currency: 'NGN' },
    ],
  });
}

describe('ledger postings', () => {
  it('moves balances and records a wallet transaction that sums to available + pending', async () => {
    const wallet = await fund(scope, 10_000);
    await reserve(wallet, 2_500);
    const after = await store.services.wallets.get(scope, wallet.id);
    expect([after.available, after.pending]).toEqual([7_500, 2_500]);
    const page = await store.services.wallets.transactions(scope, wallet.id, { limit: 100 });
    expect(page.data.map((t) => t.type)).toEqual(['withdrawal_reserve', 'funding']);
    expect(page.data[0]).toMatchObject({
      availableChange: { amount: -2_500 },
      pendingChange: { amount: 2_500 },
      amount: { amount: 0 },
    });
    const sum = page.data.reduce((s, t) => s + t.amount.amount, 0);
    expect(sum).toBe(after.available + after.pending);
  });

  it('refuses unbalanced, fractional and one-sided postings, and an account named twice', async () => {
    const wallet = await fund(scope, 100);
    const bank = await store.services.ledger.systemAccount('external_bank', 'NGN', false);
    const bad = [
      [
        { ledgerAccountId: bank, amount: -10, currency: 'NGN' },
        { ledgerAccountId: wallet.availableAccountId, amount: 9, currency: 'NGN' },
      ],
      [
        { ledgerAccountId: bank, amount: -1.5, currency: 'NGN' },
        { ledgerAccountId: wallet.availableAccountId, amount: 1.5, currency: 'NGN' },
      ],
      [{ ledgerAccountId: bank, amount: 0, currency: 'NGN' }],
      [
        { ledgerAccountId: bank, amount: -1, currency: 'NGN' },
        { ledgerAccountId: bank, amount: 1, currency: 'NGN' },
      ],
    ];
    for (const entries of bad) {
      await expect(
        store.services.ledger.post({ reference: ref('bad'), type: 'adjustment', livemode: false, entries }),
      ).rejects.toBeInstanceOf(ServiceError);
    }
  });

  it('refuses an entry in another currency than its account (the database enforces it)', async () => {
    const account = await store.services.accounts.create({ name: 'FX', contactEmail: 'fx@example.com' });
    const s = { accountId: account.id, livemode: false };
    const wallet = await fund(s, 100);
    const usdBank = await store.services.ledger.systemAccount('external_bank', 'USD', false);
    await expect(
      store.services.ledger.post({
        reference: ref('fx'),
        type: 'adjustment',
        livemode: false,
        entries: [
          { ledgerAccountId: usdBank, amount: -5, currency: 'USD' },
          { ledgerAccountId: wallet.availableAccountId, amount: 5, currency: 'USD' },
        ],
      }),
    ).rejects.toThrow();
    expect((await store.services.wallets.get(s, wallet.id)).available).toBe(100);
  });

  it('is idempotent by reference; the same reference with other entries is an error', async () => {
    const other = await store.services.accounts.create({ name: 'Idem', contactEmail: 'i@example.com' });
    const s = { accountId: other.id, livemode: false };
    const wallet = await fund(s, 1_000);
    const first = await reserve(wallet, 100, 'reserve:fixed');
    const again = await reserve(wallet, 100, 'reserve:fixed');
    expect(first.created).toBe(true);
    expect(again).toEqual({ transactionId: first.transactionId, created: false });
    await expect(reserve(wallet, 101, 'reserve:fixed')).rejects.toMatchObject({ code: 'state_conflict' });
    expect((await store.services.wallets.get(s, wallet.id)).available).toBe(900);
  });

  it('never lets available go below zero: insufficient_funds, and nothing is posted', async () => {
    const other = await store.services.accounts.create({ name: 'Poor', contactEmail: 'p@example.com' });
    const s = { accountId: other.id, livemode: false };
    const wallet = await fund(s, 50);
    await expect(reserve(wallet, 51)).rejects.toBeInstanceOf(InsufficientFundsError);
    const after = await store.services.wallets.get(s, wallet.id);
    expect([after.available, after.pending]).toEqual([50, 0]);
  });

  it('one business action, one transaction: a failure after the posting leaves neither posting nor event', async () => {
    const other = await store.services.accounts.create({ name: 'Atomic', contactEmail: 'a@example.com' });
    const s = { accountId: other.id, livemode: false };
    const wallet = await fund(s, 1_000);
    const reference = ref('atomic');
    await expect(
      store.services.transaction(async (tx) => {
        await tx.ledger.post({
          reference,
          type: 'withdrawal_reserve',
          livemode: false,
          entries: [
            { ledgerAccountId: wallet.availableAccountId, amount: -400, currency: 'NGN' },
            { ledgerAccountId: wallet.pendingAccountId, amount: 400, currency: 'NGN' },
          ],
        });
        await tx.events.record(s, 'withdrawal.created', { id: 'wd_x' });
        throw new Error('rail down after posting');
      }),
    ).rejects.toThrow('rail down');
    const after = await store.services.wallets.get(s, wallet.id);
    expect([after.available, after.pending]).toEqual([1_000, 0]);
    expect((await store.services.events.list(s, { limit: 10 })).data).toEqual([]);
    // The same reference can be posted afterwards: the rolled-back one left no trace.
    expect((await reserve(wallet, 400, reference)).created).toBe(true);
  });
});

describe('ledger invariants (property)', () => {
  it('random credits, reserves, settlements and releases keep every invariant', async () => {
    const { ledger, wallets } = store.services;
    const op = fc.oneof(
      fc.record({ kind: fc.constant('credit' as const), amount: fc.integer({ min: 1, max: 5_000 }) }),
      fc.record({ kind: fc.constant('reserve' as const), amount: fc.integer({ min: 1, max: 5_000 }) }),
      fc.record({ kind: fc.constant('settle' as const) }),
      fc.record({ kind: fc.constant('release' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const account = await store.services.accounts.create({ name: 'Prop', contactEmail: 'x@example.com' });
        const s = { accountId: account.id, livemode: false };
        const wallet = await wallets.ensure(s, 'NGN');
        const bank = await ledger.systemAccount('external_bank', 'NGN', false);
        const reserved: number[] = [];
        let available = 0;
        for (const o of ops) {
          if (o.kind === 'credit') {
            await ledger.post({
              reference: ref('p-credit'),
              type: 'funding',
              livemode: false,
              entries: [
                { ledgerAccountId: bank, amount: -o.amount, currency: 'NGN' },
                { ledgerAccountId: wallet.availableAccountId, amount: o.amount, currency: 'NGN' },
              ],
            });
            available += o.amount;
          } else if (o.kind === 'reserve') {
            const attempt = reserve(wallet, o.amount);
            if (o.amount > available) {
              await expect(attempt).rejects.toBeInstanceOf(InsufficientFundsError);
            } else {
              await attempt;
              available -= o.amount;
              reserved.push(o.amount);
            }
          } else if (reserved.length > 0) {
            const amount = reserved.shift() as number;
            const settle = o.kind === 'settle';
            await ledger.post({
              reference: ref(o.kind),
              type: settle ? 'withdrawal_settled' : 'withdrawal_released',
              livemode: false,
              entries: [
                { ledgerAccountId: wallet.pendingAccountId, amount: -amount, currency: 'NGN' },
                { ledgerAccountId: settle ? bank : wallet.availableAccountId, amount, currency: 'NGN' },
              ],
            });
            if (!settle) available += amount;
          }
        }
        const now = await wallets.get(s, wallet.id);
        expect(now.available).toBe(available);
        expect(now.available).toBeGreaterThanOrEqual(0);
        expect(now.pending).toBe(reserved.reduce((a, b) => a + b, 0));
        expect(now.available).toBe(await ledger.sumOfEntries(wallet.availableAccountId));
        expect(now.pending).toBe(await ledger.sumOfEntries(wallet.pendingAccountId));
        for (const total of Object.values(await ledger.totalsByCurrency())) expect(total).toBe(0);
      }),
      { numRuns: 25 },
    );
  });
});

describe.runIf(testStoreKind() === 'postgres')('ledger under concurrency (Postgres)', () => {
  it('50 concurrent reserves of 100 against 1,000 available: exactly 10 succeed', async () => {
    const account = await store.services.accounts.create({ name: 'Race', contactEmail: 'r@example.com' });
    const s = { accountId: account.id, livemode: false };
    const wallet = await fund(s, 1_000);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => reserve(wallet, 100)));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof InsufficientFundsError).length;
    expect([ok, refused]).toEqual([10, 40]);
    const after = await store.services.wallets.get(s, wallet.id);
    expect([after.available, after.pending]).toEqual([0, 1_000]);
  });

  it('20 concurrent postings of one reference post once', async () => {
    const account = await store.services.accounts.create({ name: 'Dup', contactEmail: 'd@example.com' });
    const s = { accountId: account.id, livemode: false };
    const wallet = await fund(s, 1_000);
    const results = await Promise.all(Array.from({ length: 20 }, () => reserve(wallet, 100, `dup:${account.id}`)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.transactionId)).size).toBe(1);
    expect((await store.services.wallets.get(s, wallet.id)).available).toBe(900);
  });
});
if (testStoreKind() !== 'postgres') console.log('[lendwire] ledger concurrency tests run on the postgres project only');
