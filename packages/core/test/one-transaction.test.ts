import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createJobQueue,
  createServices,
  type JobQueue,
  PAYOUT_JOB,
  type Services,
  type TenantScope,
} from '../src/index.js';
import { openTestStore, type TestStore } from './support.js';

/**
 * One business action, one transaction (DESIGN §4): a withdrawal's reserve posting, its row, its
 * `withdrawal.created` event and its payout job commit together, or a failure after them leaves none.
 */
let store: TestStore;
let queue: JobQueue;
let services: Services;
let scope: TenantScope;
let bankAccountId: string;

beforeAll(async () => {
  store = await openTestStore();
  queue = createJobQueue(store.handle, { logger: { warn: () => {}, error: () => {} } });
  await queue.defineQueue(PAYOUT_JOB);
  await queue.start();
  services = createServices({
    db: store.handle.db,
    now: store.clock.now,
    secretBox: store.services.ctx.secretBox!,
    enqueue: (db, name, data) => queue.send(name, data, { db }),
  });
  const account = await services.accounts.create({ name: 'Atomic', contactEmail: 'a@example.com' });
  scope = { accountId: account.id, livemode: false };
  await services.wallets.fund(scope, { amount: 100_000, currency: 'NGN', reference: `fund:${account.id}` });
  bankAccountId = (
    await services.bankAccounts.create(scope, {
      bankCode: '058',
      accountNumber: '0123451234',
      accountName: 'Ada',
      currency: 'NGN',
    })
  ).id;
});
afterAll(async () => {
  await queue?.stop({ graceful: false });
  await store?.close();
});

const jobsQueued = async () => (await queue.stats()).find((q) => q.name === PAYOUT_JOB)?.total ?? 0;

describe('one business action, one transaction', () => {
  it('a failure after the withdrawal (posting, event and job written) leaves no posting, no event and no job', async () => {
    const before = await services.wallets.find(scope, 'NGN');
    await expect(
      services.transaction(async (tx) => {
        await tx.withdrawals.create(scope, { amount: 10_000, bankAccountId });
        throw new Error('failure after the posting');
      }),
    ).rejects.toThrow('failure after the posting');
    const after = await services.wallets.find(scope, 'NGN');
    expect([after?.available, after?.pending]).toEqual([before?.available, before?.pending]);
    expect((await services.withdrawals.list(scope, { limit: 10 })).data).toEqual([]);
    const events = (await services.events.list(scope, { limit: 10 })).data.map((e) => e.type);
    expect(events).not.toContain('withdrawal.created');
    expect(await jobsQueued()).toBe(0);
    const txns = await services.wallets.transactions(scope, after!.id, { limit: 10 });
    expect(txns.data.map((t) => t.type)).toEqual(['funding']);
  });

  it('the same action committed writes all four: posting, withdrawal, event and job', async () => {
    const wd = await services.withdrawals.create(scope, { amount: 10_000, bankAccountId });
    expect(wd.status).toBe('pending');
    expect((await services.events.list(scope, { limit: 10 })).data[0]?.type).toBe('withdrawal.created');
    expect(await jobsQueued()).toBe(1);
    const wallet = await services.wallets.find(scope, 'NGN');
    expect(wallet?.pending).toBe(10_000 + wd.fee.amount);
  });
});
