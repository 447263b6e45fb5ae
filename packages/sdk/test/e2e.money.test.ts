import { generateId } from '@lendwire/contract';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it, type TestContext } from 'vitest';
import {
  type BankAccount,
  ConflictError,
  InvalidArgumentError,
  type Lendwire,
  type LendwireEvent,
  NotFoundError,
  PermissionDeniedError,
  type TestClock,
  UnprocessableEntityError,
  type Wallet,
  type Withdrawal,
} from '../src/index.js';
import { type E2EGateway, type Partner, startE2EGateway } from './support/gateway.js';

let gw: E2EGateway;

beforeAll(async () => {
  // No payout workers: withdrawals stay pending, so the balances they reserve can be asserted without
  // racing a payout. Payouts themselves are the gateway's tests' concern.
  gw = await startE2EGateway({ LENDWIRE_WORKERS: 'off' });
});
afterAll(() => gw?.close());

/** An account number ending in 1234: the rail simulator verifies it and pays out to it. */
const ACCOUNT_NUMBER = '0123451234';

async function addBankAccount(client: Lendwire): Promise<BankAccount> {
  return client.bankAccounts.create({
    bankCode: '058',
    accountNumber: ACCOUNT_NUMBER,
    accountName: 'Ada Obi',
    currency: 'NGN',
  });
}

const total = (w: Withdrawal) => w.amount.amount + w.fee.amount;

describe('wallets, bank accounts and withdrawals', () => {
  let partner: Partner;
  let funded: Wallet;
  let bankAccount: BankAccount;
  let first: Withdrawal;
  let second: Withdrawal;

  beforeAll(async () => {
    partner = await gw.createPartner('Money Partner');
  });

  it('funds the test wallet and lists and retrieves it', async () => {
    funded = await partner.client.testHelpers.wallets.fund({ amount: 500_000 });
    expect(funded).toMatchObject({
      object: 'wallet',
      currency: 'NGN',
      available: { amount: 500_000, currency: 'NGN' },
      pending: { amount: 0, currency: 'NGN' },
      livemode: false,
    });
    expect(funded.id).toMatch(/^wal_/);
    expect((await partner.client.wallets.list().toArray()).map((w) => w.id)).toEqual([funded.id]);
    expect(await partner.client.wallets.retrieve(funded.id)).toEqual(funded);
  });

  it('adds a bank account that shows only its last four digits, lists and retrieves it', async () => {
    bankAccount = await addBankAccount(partner.client);
    expect(bankAccount).toMatchObject({
      object: 'bank_account',
      bankCode: '058',
      last4: '1234',
      accountName: 'Ada Obi',
      currency: 'NGN',
      status: 'verified',
    });
    expect(JSON.stringify(bankAccount)).not.toContain(ACCOUNT_NUMBER);
    expect(await partner.client.bankAccounts.retrieve(bankAccount.id)).toEqual(bankAccount);
    expect((await partner.client.bankAccounts.list().toArray()).map((b) => b.id)).toEqual([bankAccount.id]);
  });

  it('withdraws with the SDK’s own idempotency key (the route requires one)', async () => {
    first = await partner.client.withdrawals.create({ amount: 100_000, bankAccountId: bankAccount.id });
    expect(first).toMatchObject({
      object: 'withdrawal',
      walletId: funded.id,
      bankAccountId: bankAccount.id,
      amount: { amount: 100_000, currency: 'NGN' },
      status: 'pending',
    });
    expect(first.fee.amount).toBeGreaterThan(0);
    expect(await partner.client.withdrawals.retrieve(first.id)).toEqual(first);
  });

  it('withdraws once for two calls with one explicit idempotency key', async () => {
    second = await partner.client.withdrawals.create(
      { amount: 50_000, bankAccountId: bankAccount.id },
      { idempotencyKey: 'payout-2' },
    );
    const again = await partner.client.withdrawals
      .create({ amount: 50_000, bankAccountId: bankAccount.id }, { idempotencyKey: 'payout-2' })
      .withResponse();
    expect(again.data).toEqual(second);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect((await partner.client.withdrawals.list({ limit: 1 }).toArray()).map((w) => w.id)).toEqual([
      second.id,
      first.id,
    ]);
  });

  it('moves amount + fee of each withdrawal from available to pending', async () => {
    const wallet = await partner.client.wallets.retrieve(funded.id);
    const reserved = total(first) + total(second);
    expect(wallet.available.amount).toBe(500_000 - reserved);
    expect(wallet.pending.amount).toBe(reserved);
  });

  it('lists wallet transactions across pages, summing to available + pending', async () => {
    const transactions = await partner.client.wallets.listTransactions(funded.id, { limit: 1 }).toArray();
    expect(transactions.map((t) => t.type)).toEqual(['withdrawal_reserve', 'withdrawal_reserve', 'funding']);
    expect(transactions.every((t) => t.object === 'wallet_transaction' && t.walletId === funded.id)).toBe(true);
    expect(transactions[0]).toMatchObject({
      amount: { amount: 0 },
      availableChange: { amount: -total(second) },
      pendingChange: { amount: total(second) },
    });
    const wallet = await partner.client.wallets.retrieve(funded.id);
    const sum = transactions.reduce((s, t) => s + t.amount.amount, 0);
    expect(sum).toBe(wallet.available.amount + wallet.pending.amount);
  });

  it('lists withdrawal events with withdrawal.*, narrowing each on its type', async () => {
    const created: Withdrawal[] = [];
    const keys: (string | null)[] = [];
    for await (const event of partner.client.events.list({ type: 'withdrawal.*' })) {
      expect(event.type).toMatch(/^withdrawal\./);
      if (event.type === 'withdrawal.created') {
        // Narrowing on `type` types `data.object`: a withdrawal here, not any event's object.
        expectTypeOf(event.data.object).toEqualTypeOf<Withdrawal>();
        created.push(event.data.object);
        keys.push(event.request?.idempotencyKey ?? null);
      }
    }
    expect(created.map((w) => w.id)).toEqual([second.id, first.id]);
    expect(created[0]).toEqual(second);
    expect(keys[0]).toBe('payout-2');
    expect(keys[1]).toMatch(/^lw-sdk-/);

    const all = await partner.client.events.list().toArray();
    expect(all.map((e) => e.type)).toEqual(expect.arrayContaining(['bank_account.added', 'withdrawal.created']));
  });

  it('retrieves an event as listed', async () => {
    const [latest] = (await partner.client.events.list({ type: 'withdrawal.created', limit: 1 })).data;
    const event: LendwireEvent = await partner.client.events.retrieve(latest!.id);
    expect(event).toEqual(latest);
    expect(event).toMatchObject({ object: 'event', account: partner.id, livemode: false });
    expect(event.id).toMatch(/^evt_/);
  });

  it('lists event types with a JSON Schema of each data.object', async () => {
    const page = await partner.client.eventTypes.list();
    expect(page.hasMore).toBe(false);
    const created = page.data.find((t) => t.type === 'withdrawal.created');
    expect(created).toMatchObject({ object: 'event_type', description: expect.any(String) });
    // A JSON Schema (2020-12) whose root refers to the Withdrawal definition.
    const schema = created!.schema as { $schema: string; $ref: string; $defs: Record<string, { properties: object }> };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const root = schema.$defs[schema.$ref.replace('#/$defs/', '')];
    expect(Object.keys(root!.properties)).toEqual(expect.arrayContaining(['id', 'amount', 'fee', 'bankAccountId']));
    expect((await partner.client.eventTypes.list().toArray()).map((t) => t.type)).toEqual(page.data.map((t) => t.type));
  });

  it('removes a bank account: del returns it removed, the list drops it, a second del is a 409', async () => {
    const spare = await addBankAccount(partner.client);
    const removed = await partner.client.bankAccounts.del(spare.id);
    expect(removed).toMatchObject({ id: spare.id, status: 'removed' });
    expect(await partner.client.bankAccounts.retrieve(spare.id)).toMatchObject({ status: 'removed' });
    expect((await partner.client.bankAccounts.list().toArray()).map((b) => b.id)).toEqual([bankAccount.id]);
    const error = await partner.client.bankAccounts.del(spare.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
  });
});

describe('money errors', () => {
  it('surfaces insufficient_funds as UnprocessableEntityError, reserving nothing', async () => {
    const poor = await gw.createPartner('Poor Partner');
    const wallet = await poor.client.testHelpers.wallets.fund({ amount: 1_000 });
    const bank = await addBankAccount(poor.client);
    const error = await poor.client.withdrawals
      .create({ amount: 1_000, bankAccountId: bank.id })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error).toMatchObject({ status: 422, code: 'insufficient_funds', requestId: expect.stringMatching(/^req_/) });
    expect(await poor.client.wallets.retrieve(wallet.id)).toMatchObject({
      available: { amount: 1_000 },
      pending: { amount: 0 },
    });
  });

  it('refuses test helpers to a live key with PermissionDeniedError test_mode_only', async () => {
    const partner = await gw.createPartner('Live Partner');
    const live = gw.client(await gw.createLiveKey(partner.id));
    const error = await live.testHelpers.wallets.fund({ amount: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, code: 'test_mode_only' });
  });

  it('hides another account’s wallet, bank account, withdrawal and events behind NotFoundError', async () => {
    const owner = await gw.createPartner('Owner');
    const wallet = await owner.client.testHelpers.wallets.fund({ amount: 50_000 });
    const bank = await addBankAccount(owner.client);
    const withdrawal = await owner.client.withdrawals.create({ amount: 1_000, bankAccountId: bank.id });
    const [event] = (await owner.client.events.list({ limit: 1 })).data;
    const other = (await gw.createPartner('Other')).client;
    const attempts: [string, () => Promise<unknown>][] = [
      ['withdrawals.retrieve', () => other.withdrawals.retrieve(withdrawal.id)],
      ['wallets.retrieve', () => other.wallets.retrieve(wallet.id)],
      ['wallets.listTransactions', () => other.wallets.listTransactions(wallet.id).toArray()],
      ['bankAccounts.retrieve', () => other.bankAccounts.retrieve(bank.id)],
      ['bankAccounts.del', () => other.bankAccounts.del(bank.id)],
      ['events.retrieve', () => other.events.retrieve(event!.id)],
      ['withdrawals.create', () => other.withdrawals.create({ amount: 1, bankAccountId: bank.id })],
    ];
    for (const [name, attempt] of attempts) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(NotFoundError);
      expect(error, name).toMatchObject({ status: 404, code: 'not_found' });
    }
    expect(await other.withdrawals.list().toArray()).toEqual([]);
    expect(await other.events.list({ type: 'withdrawal.*' }).toArray()).toEqual([]);
    expect(await owner.client.bankAccounts.retrieve(bank.id)).toMatchObject({ status: 'verified' });
  });

  it('a well-formed id of nothing is NotFoundError', async () => {
    const partner = await gw.createPartner('Lonely');
    await expect(partner.client.withdrawals.retrieve(generateId('withdrawal'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rejects withdrawals.retrieve("..") with InvalidArgumentError before sending', async () => {
    const partner = await gw.createPartner('Careless');
    let sent = 0;
    const counting = gw.client(partner.key, {
      fetch: (input, init) => {
        sent++;
        return fetch(input, init);
      },
    });
    const error = await counting.withdrawals.retrieve('..').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ message: 'withdrawals.retrieve: id must be a Lendwire id such as wd_…; got ".."' });
    await expect(counting.wallets.listTransactions('').toArray()).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sent).toBe(0);
  });
});

describe('test clock', () => {
  /**
   * Advances the clock and settles the call, or skips the test (printing why) while the gateway has no
   * such route yet: the SDK method was written against the route's agreed shape before it landed.
   * The skip happens outside any catch, since `ctx.skip` works by throwing.
   */
  async function advance(
    ctx: TestContext,
    client: Lendwire,
    seconds: number,
  ): Promise<{ clock?: TestClock; error?: unknown }> {
    const result = await client.testHelpers.clock.advance({ seconds }).then(
      (clock): { clock?: TestClock; error?: unknown } => ({ clock }),
      (error: unknown) => ({ error }),
    );
    if (result.error instanceof NotFoundError && result.error.code === 'route_not_found') {
      const reason = 'POST /v1/test-helpers/clock/advance is not on this gateway yet (404 route_not_found)';
      console.warn(`[sdk e2e] skipped: ${reason}`);
      ctx.skip(reason);
    }
    return result;
  }

  it('advances test-mode time by the seconds asked', async (ctx) => {
    const partner = await gw.createPartner('Clockwork');
    const before = Date.now();
    const one = await advance(ctx, partner.client, 86_400);
    expect(one.error).toBeUndefined();
    expect(one.clock).toEqual({ object: 'test_clock', now: expect.any(String) });
    expect(Date.parse(one.clock!.now)).toBeGreaterThanOrEqual(before + 86_400_000);
    const two = await advance(ctx, partner.client, 3_600);
    expect(Date.parse(two.clock!.now) - Date.parse(one.clock!.now)).toBeGreaterThanOrEqual(3_600_000);
  });

  it('refuses a live key with PermissionDeniedError test_mode_only', async (ctx) => {
    const partner = await gw.createPartner('Live Clock');
    const live = gw.client(await gw.createLiveKey(partner.id));
    const { error } = await advance(ctx, live, 60);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, code: 'test_mode_only' });
  });
});
