import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type BankAccount,
  type Lendwire,
  type LendwireEvent,
  Page,
  PermissionDeniedError,
  UnprocessableEntityError,
  type Wallet,
  type Withdrawal,
} from '../src/index.js';
import { BASE_URL, mockClient, problem, useMockApi } from './support/msw.js';

const server = useMockApi();

const WAL = 'wal_01jd8x3k5w9q4r7t2m6n0p8s1v';
const BA = 'ba_01jd8x3k5w9q4r7t2m6n0p8s1v';
const WD = 'wd_01jd8x3k5w9q4r7t2m6n0p8s1v';
const EVT = 'evt_01jd8x3k5w9q4r7t2m6n0p8s1v';
const AT = '2026-11-01T00:00:00.000Z';
const ngn = (amount: number) => ({ amount, currency: 'NGN' as const });

const wallet: Wallet = {
  id: WAL,
  object: 'wallet',
  currency: 'NGN',
  available: ngn(400_000),
  pending: ngn(100_000),
  livemode: false,
  createdAt: AT,
  updatedAt: AT,
};
const bankAccount: BankAccount = {
  id: BA,
  object: 'bank_account',
  bankCode: '058',
  last4: '1234',
  accountName: 'Ada Obi',
  currency: 'NGN',
  status: 'verified',
  metadata: {},
  livemode: false,
  createdAt: AT,
  updatedAt: AT,
};
const withdrawal: Withdrawal = {
  id: WD,
  object: 'withdrawal',
  walletId: WAL,
  bankAccountId: BA,
  amount: ngn(100_000),
  fee: ngn(1_250),
  status: 'pending',
  failureCode: null,
  failureMessage: null,
  reference: 'wd-ref',
  description: null,
  metadata: {},
  livemode: false,
  createdAt: AT,
  updatedAt: AT,
};
/** An event of `type` about `object`, as `GET /v1/events` lists it. */
const event = (id: string, type: string, object: unknown) => ({
  id,
  object: 'event',
  type,
  createdAt: AT,
  livemode: false,
  account: 'acct_01jd8x3k5w9q4r7t2m6n0p8s1v',
  apiVersion: '2026-12-01',
  data: { object },
  request: null,
});
const list = (data: unknown[], nextCursor: string | null = null) => ({
  object: 'list',
  data,
  hasMore: nextCursor !== null,
  nextCursor,
});

/** What the mocked API received: method, path, query and body, and whether it had an idempotency key. */
interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  idempotencyKey: string | null;
}
let seen: Seen[];

/** Answers every request with `reply` (by default `{}`), recording it first. */
function answer(reply: (request: Request) => Response | Promise<Response> = () => HttpResponse.json({})) {
  server.use(
    http.all(`${BASE_URL}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const text = await request.clone().text();
      seen.push({
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: text === '' ? undefined : JSON.parse(text),
        idempotencyKey: request.headers.get('idempotency-key'),
      });
      return reply(request);
    }),
  );
}

beforeEach(() => {
  seen = [];
});

type Call = (client: Lendwire) => Promise<unknown>;

/** Every new method: the request it must send. `key` says whether it must carry an Idempotency-Key. */
const requests: [name: string, call: Call, method: string, path: string, query: object, body: unknown, key: boolean][] =
  [
    ['wallets.list', (c) => c.wallets.list({ limit: 5 }), 'GET', '/v1/wallets', { limit: '5' }, undefined, false],
    ['wallets.retrieve', (c) => c.wallets.retrieve(WAL), 'GET', `/v1/wallets/${WAL}`, {}, undefined, false],
    [
      'wallets.listTransactions',
      (c) => c.wallets.listTransactions(WAL, { limit: 2, startingAfter: 'txn_01jd8x3k5w9q4r7t2m6n0p8s1v' }),
      'GET',
      `/v1/wallets/${WAL}/transactions`,
      { limit: '2', startingAfter: 'txn_01jd8x3k5w9q4r7t2m6n0p8s1v' },
      undefined,
      false,
    ],
    [
      'bankAccounts.create',
      (c) => c.bankAccounts.create({ bankCode: '058', accountNumber: '0123451234', accountName: 'A', currency: 'NGN' }),
      'POST',
      '/v1/bank-accounts',
      {},
      { bankCode: '058', accountNumber: '0123451234', accountName: 'A', currency: 'NGN' },
      true,
    ],
    ['bankAccounts.list', (c) => c.bankAccounts.list(), 'GET', '/v1/bank-accounts', {}, undefined, false],
    [
      'bankAccounts.retrieve',
      (c) => c.bankAccounts.retrieve(BA),
      'GET',
      `/v1/bank-accounts/${BA}`,
      {},
      undefined,
      false,
    ],
    ['bankAccounts.del', (c) => c.bankAccounts.del(BA), 'DELETE', `/v1/bank-accounts/${BA}`, {}, undefined, false],
    [
      'withdrawals.create',
      (c) => c.withdrawals.create({ amount: 100_000, bankAccountId: BA }),
      'POST',
      '/v1/withdrawals',
      {},
      { amount: 100_000, bankAccountId: BA },
      true,
    ],
    ['withdrawals.list', (c) => c.withdrawals.list(), 'GET', '/v1/withdrawals', {}, undefined, false],
    ['withdrawals.retrieve', (c) => c.withdrawals.retrieve(WD), 'GET', `/v1/withdrawals/${WD}`, {}, undefined, false],
    [
      'events.list',
      (c) => c.events.list({ type: 'withdrawal.*', limit: 10 }),
      'GET',
      '/v1/events',
      { type: 'withdrawal.*', limit: '10' },
      undefined,
      false,
    ],
    ['events.retrieve', (c) => c.events.retrieve(EVT), 'GET', `/v1/events/${EVT}`, {}, undefined, false],
    ['eventTypes.list', (c) => c.eventTypes.list(), 'GET', '/v1/event-types', {}, undefined, false],
    [
      'testHelpers.wallets.fund',
      (c) => c.testHelpers.wallets.fund({ amount: 500_000 }),
      'POST',
      '/v1/test-helpers/wallets/fund',
      {},
      { amount: 500_000 },
      true,
    ],
    [
      'testHelpers.clock.advance',
      (c) => c.testHelpers.clock.advance({ seconds: 86_400 }),
      'POST',
      '/v1/test-helpers/clock/advance',
      {},
      { seconds: 86_400 },
      true,
    ],
  ];

describe('requests of the money resources', () => {
  it.each(requests)('%s sends %s %s', async (_name, call, method, path, query, body, key) => {
    answer();
    await call(mockClient());
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method, path, query, body });
    if (key) expect(seen[0]!.idempotencyKey).toMatch(/^lw-sdk-[0-9a-f-]{36}$/);
    else expect(seen[0]!.idempotencyKey).toBeNull();
  });
});

describe('withdrawals.create', () => {
  it('sends the caller’s idempotency key', async () => {
    answer(() => HttpResponse.json(withdrawal, { status: 201 }));
    await mockClient().withdrawals.create({ amount: 100_000, bankAccountId: BA }, { idempotencyKey: 'payout-77' });
    expect(seen.map((s) => s.idempotencyKey)).toEqual(['payout-77']);
  });

  it('retries a 503 with the same idempotency key, so the payout cannot happen twice', async () => {
    let attempt = 0;
    answer(() =>
      ++attempt === 1
        ? problem(503, 'service_unavailable', {}, { 'Retry-After': '0' })
        : HttpResponse.json(withdrawal, { status: 201 }),
    );
    const made = await mockClient().withdrawals.create({ amount: 100_000, bankAccountId: BA });
    expect(made).toEqual(withdrawal);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.idempotencyKey).toBe(seen[0]!.idempotencyKey);
  });

  it('rejects insufficient_funds with UnprocessableEntityError, without retrying', async () => {
    answer(() => problem(422, 'insufficient_funds'));
    const error = await mockClient()
      .withdrawals.create({ amount: 100_000, bankAccountId: BA })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error).toMatchObject({ status: 422, code: 'insufficient_funds' });
    expect(seen).toHaveLength(1);
  });
});

describe('responses of the money resources', () => {
  it('walks a wallet’s transactions across pages, passing the cursor', async () => {
    const txn = (n: number) => ({ id: `txn_${n}`, object: 'wallet_transaction', walletId: WAL });
    answer((request) =>
      HttpResponse.json(
        new URL(request.url).searchParams.get('startingAfter') === 'txn_2'
          ? list([txn(1)])
          : list([txn(3), txn(2)], 'txn_2'),
      ),
    );
    const ids: string[] = [];
    for await (const t of mockClient().wallets.listTransactions(WAL, { limit: 2 })) ids.push(t.id);
    expect(ids).toEqual(['txn_3', 'txn_2', 'txn_1']);
    expect(seen.map((s) => [s.path, s.query])).toEqual([
      [`/v1/wallets/${WAL}/transactions`, { limit: '2' }],
      [`/v1/wallets/${WAL}/transactions`, { limit: '2', startingAfter: 'txn_2' }],
    ]);
  });

  it('gives events as a union to narrow on type, across pages with the filter kept', async () => {
    answer((request) =>
      HttpResponse.json(
        new URL(request.url).searchParams.get('startingAfter')
          ? list([event('evt_1', 'bank_account.added', bankAccount)])
          : list([event('evt_2', 'withdrawal.created', withdrawal)], 'evt_2'),
      ),
    );
    const seenTypes: string[] = [];
    for await (const e of mockClient().events.list({ type: '*' })) {
      expectTypeOf(e).toEqualTypeOf<LendwireEvent>();
      seenTypes.push(e.type);
      if (e.type === 'withdrawal.created') {
        expectTypeOf(e.data.object).toEqualTypeOf<Withdrawal>();
        expect(e.data.object.bankAccountId).toBe(BA);
      } else if (e.type === 'bank_account.added') {
        expectTypeOf(e.data.object).toEqualTypeOf<BankAccount>();
        expect(e.data.object.last4).toBe('1234');
      }
    }
    expect(seenTypes).toEqual(['withdrawal.created', 'bank_account.added']);
    expect(seen.map((s) => s.query)).toEqual([{ type: '*' }, { type: '*', startingAfter: 'evt_2' }]);
  });

  it('accepts a type filter newer than the SDK without a cast', async () => {
    answer(() => HttpResponse.json(list([])));
    await mockClient().events.list({ type: 'loan.*' });
    await mockClient().events.list({ type: 'loan_application.approved' });
    expect(seen.map((s) => s.query.type)).toEqual(['loan.*', 'loan_application.approved']);
  });

  it('lists event types as one page', async () => {
    const info = { object: 'event_type', type: 'withdrawal.created', description: 'd', schema: { type: 'object' } };
    answer(() => HttpResponse.json(list([info])));
    const page = await mockClient().eventTypes.list();
    expect(page).toBeInstanceOf(Page);
    expect(page.data).toEqual([info]);
    expect(page.hasNextPage()).toBe(false);
    expect(seen).toHaveLength(1);
  });

  it('returns the removed bank account from del', async () => {
    answer(() => HttpResponse.json({ ...bankAccount, status: 'removed' }));
    expect(await mockClient().bankAccounts.del(BA)).toEqual({ ...bankAccount, status: 'removed' });
  });

  it('returns the wallet after the credit from wallets.fund', async () => {
    answer(() => HttpResponse.json(wallet));
    expect(await mockClient().testHelpers.wallets.fund({ amount: 100_000, currency: 'NGN' })).toEqual(wallet);
    expect(seen[0]!.body).toEqual({ amount: 100_000, currency: 'NGN' });
  });

  it('returns the test clock from clock.advance', async () => {
    answer(() => HttpResponse.json({ object: 'test_clock', now: '2026-12-01T00:00:00.000Z' }));
    const clock = await mockClient().testHelpers.clock.advance({ seconds: 86_400 });
    expect(clock).toEqual({ object: 'test_clock', now: '2026-12-01T00:00:00.000Z' });
  });

  it('rejects test helpers for a live key with PermissionDeniedError test_mode_only', async () => {
    answer(() => problem(403, 'test_mode_only'));
    for (const call of [
      (c: Lendwire) => c.testHelpers.clock.advance({ seconds: 60 }),
      (c: Lendwire) => c.testHelpers.wallets.fund({ amount: 1 }),
    ]) {
      const error = await call(mockClient()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermissionDeniedError);
      expect(error).toMatchObject({ status: 403, code: 'test_mode_only' });
    }
  });
});
