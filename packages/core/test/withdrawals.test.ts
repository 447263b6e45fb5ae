import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsufficientFundsError, type TenantScope } from '../src/index.js';
import { openTestStore, type TestStore, testStoreKind } from './support.js';

let store: TestStore;
let n = 0;

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store.close());

/** A new partner with a funded NGN test wallet and a bank account ending in `last4`. */
async function partnerWith(balance: number, last4 = '1234') {
  const { services } = store;
  const account = await services.accounts.create({ name: `W${++n}`, contactEmail: 'w@example.com' });
  const scope: TenantScope = { accountId: account.id, livemode: false };
  const wallet = await services.wallets.fund(scope, {
    amount: balance,
    currency: 'NGN',
    reference: `fund:${account.id}`,
  });
  const bankAccount = await services.bankAccounts.create(scope, {
    bankCode: '058',
    accountNumber: `012345${last4}`,
    accountName: 'Ada Obi',
    currency: 'NGN',
  });
  return { scope, wallet, bankAccount };
}

const balances = async (scope: TenantScope, walletId: string) => {
  const w = await store.services.wallets.get(scope, walletId);
  return [w.available, w.pending];
};

describe('withdrawals', () => {
  it('stores the account number only encrypted, and shows last4', async () => {
    const { scope, bankAccount } = await partnerWith(0, '9876');
    expect(bankAccount).toMatchObject({ last4: '9876', status: 'verified' });
    expect(JSON.stringify(bankAccount)).not.toContain('0123459876');
    const dump = JSON.stringify(await store.services.ctx.db.execute('select * from bank_accounts' as never));
    expect(dump).not.toContain('0123459876');
    expect(await store.services.bankAccounts.accountNumber(scope, bankAccount.id)).toBe('0123459876');
  });

  it('reserves amount + fee at creation, settles on payout: pending to the bank and fee income', async () => {
    const { scope, wallet, bankAccount } = await partnerWith(1_000_000);
    const wd = await store.services.withdrawals.create(scope, { amount: 400_000, bankAccountId: bankAccount.id });
    expect(wd).toMatchObject({ status: 'pending', amount: { amount: 400_000 }, fee: { amount: 2_000 } });
    expect(await balances(scope, wallet.id)).toEqual([598_000, 402_000]);
    expect(await store.services.withdrawals.processPayout(wd.id, 0)).toBe('succeeded');
    expect(await balances(scope, wallet.id)).toEqual([598_000, 0]);
    const types = (await store.services.events.list(scope, { limit: 10 })).data.map((e) => e.type);
    expect(types).toEqual(['withdrawal.succeeded', 'withdrawal.created', 'bank_account.added']);
    // Running the job again (a crash after settling) changes nothing.
    expect(await store.services.withdrawals.processPayout(wd.id, 1)).toBe('succeeded');
    expect(await balances(scope, wallet.id)).toEqual([598_000, 0]);
    const txns = await store.services.wallets.transactions(scope, wallet.id, { limit: 10 });
    expect(txns.data.map((t) => t.type)).toEqual(['withdrawal_settled', 'withdrawal_reserve', 'funding']);
    expect(txns.data.reduce((s, t) => s + t.amount.amount, 0)).toBe(598_000);
  });

  it('0002 fails account_closed and releases amount + fee back to available', async () => {
    const { scope, wallet, bankAccount } = await partnerWith(100_000, '0002');
    const wd = await store.services.withdrawals.create(scope, { amount: 50_000, bankAccountId: bankAccount.id });
    expect(await store.services.withdrawals.processPayout(wd.id, 0)).toBe('failed');
    expect(await store.services.withdrawals.get(scope, wd.id)).toMatchObject({
      status: 'failed',
      failureCode: 'account_closed',
    });
    expect(await balances(scope, wallet.id)).toEqual([100_000, 0]);
  });

  it('0003 fails bank_unavailable on the first attempt (retried), then succeeds', async () => {
    const { scope, wallet, bankAccount } = await partnerWith(100_000, '0003');
    const wd = await store.services.withdrawals.create(scope, { amount: 10_000, bankAccountId: bankAccount.id });
    await expect(store.services.withdrawals.processPayout(wd.id, 0)).rejects.toThrow(/bank_unavailable/);
    expect((await store.services.withdrawals.get(scope, wd.id)).status).toBe('processing');
    expect(await store.services.withdrawals.processPayout(wd.id, 1)).toBe('succeeded');
    expect((await balances(scope, wallet.id))[1]).toBe(0);
  });

  it('refuses with insufficient_funds and leaves nothing behind', async () => {
    const { scope, wallet, bankAccount } = await partnerWith(10_000);
    await expect(
      store.services.withdrawals.create(scope, { amount: 9_500, bankAccountId: bankAccount.id }),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(await balances(scope, wallet.id)).toEqual([10_000, 0]);
    expect((await store.services.withdrawals.list(scope, { limit: 10 })).data).toEqual([]);
  });

  it('other tenants cannot see or use a bank account or withdrawal', async () => {
    const a = await partnerWith(100_000);
    const b = await partnerWith(100_000);
    await expect(
      store.services.withdrawals.create(b.scope, { amount: 1_000, bankAccountId: a.bankAccount.id }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const wd = await store.services.withdrawals.create(a.scope, { amount: 1_000, bankAccountId: a.bankAccount.id });
    await expect(store.services.withdrawals.get(b.scope, wd.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('live mode with only the simulator', () => {
  it('refuses live withdrawals (nothing reserved) rather than pretend to pay them', async () => {
    const { createServices } = await import('../src/index.js');
    const strict = createServices({ db: store.handle.db, secretBox: store.services.ctx.secretBox!, liveRail: false });
    const account = await strict.accounts.create({ name: 'Live', contactEmail: 'l@example.com' });
    const scope = { accountId: account.id, livemode: true };
    const bank = await strict.bankAccounts.create(scope, {
      bankCode: '058',
      accountNumber: '0123451234',
      accountName: 'Ada',
      currency: 'NGN',
    });
    await expect(strict.withdrawals.create(scope, { amount: 100, bankAccountId: bank.id })).rejects.toMatchObject({
      code: 'unprocessable',
      message: expect.stringContaining('test key'),
    });
    expect((await strict.withdrawals.list(scope, { limit: 5 })).data).toEqual([]);
  });
});

describe.runIf(testStoreKind() === 'postgres')('withdrawals under concurrency (Postgres)', () => {
  it('50 concurrent withdrawals against a wallet that affords exactly 10: 10 created, 40 insufficient_funds', async () => {
    // Each costs 10,000 + fee 1,025 = 11,025; 10 of them cost 110,250.
    const { scope, wallet, bankAccount } = await partnerWith(110_250 + 11_024);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        store.services.withdrawals.create(scope, { amount: 10_000, bankAccountId: bankAccount.id }),
      ),
    );
    const created = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof InsufficientFundsError).length;
    const other = results.filter((r) => r.status === 'rejected' && !(r.reason instanceof InsufficientFundsError));
    expect(
      other.map((r) => String((r as PromiseRejectedResult).reason?.cause?.code ?? (r as PromiseRejectedResult).reason)),
    ).toEqual([]);
    expect([created, refused]).toEqual([10, 40]);
    expect(await balances(scope, wallet.id)).toEqual([11_024, 110_250]);
    expect((await store.services.withdrawals.list(scope, { limit: 100 })).data).toHaveLength(10);
  });
});
