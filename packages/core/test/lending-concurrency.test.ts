/**
 * Lending under real races. On Postgres the racing calls run on separate pooled connections, truly
 * in parallel; on PGlite they interleave on its one connection. Either way every race must end
 * with each installment collected once, each loan paid off once and one loan per offer.
 */
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRailSimulator,
  createServices,
  dbPayoutBook,
  type PaymentRail,
  rowsOf,
  ServiceError,
  type Services,
  schema,
  type TenantScope,
} from '../src/index.js';
import { openTestStore, type TestStore } from './support.js';

let store: TestStore;
let n = 0;

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store.close());

const DAY = 86_400;

/** A second set of services on the same database: another worker of the same deployment. */
function secondWorker(): Services {
  return createServices({
    db: store.handle.db,
    now: store.clock.now,
    secretBox: store.services.ctx.secretBox!,
  });
}

async function tenant() {
  const { services } = store;
  const account = await services.accounts.create({ name: `C${++n}`, contactEmail: 'c@example.com' });
  const scope: TenantScope = { accountId: account.id, livemode: false };
  return { scope };
}

async function customer(scope: TenantScope) {
  return store.services.customers.create(scope, { name: 'Ada Obi' });
}

async function openOffer(scope: TenantScope, customerId: string, principal = 1_200_000) {
  const { services } = store;
  const app = await services.loanApplications.create(scope, {
    customerId,
    amount: { amount: principal, currency: 'NGN' },
    termMonths: 3,
    purpose: 'Stock',
  });
  const approved = await services.loanApplications.approve(scope, app.id, {
    offer: {
      principal: { amount: principal, currency: 'NGN' },
      annualInterestRateBps: 3000,
      termMonths: 3,
      amortization: 'equal_installments',
      originationFeeBps: 100,
    },
  });
  return approved.offerId!;
}

async function activeLoan(scope: TenantScope, customerId: string, principal?: number) {
  const { services } = store;
  const accepted = await services.loans.acceptOffer(scope, await openOffer(scope, customerId, principal));
  await services.loans.disburse(scope, accepted.loanId!);
  return accepted.loanId!;
}

/** Moves the tenant's clock to 00:00:01 UTC of `day` (never backwards) without running the scheduler. */
async function clockTo(scope: TenantScope, day: string): Promise<Date> {
  const { testClock } = store.services;
  const now = await testClock.now(scope);
  const target = Date.parse(`${day}T00:00:01Z`);
  return testClock.advance(scope.accountId, Math.max(0, Math.ceil((target - now.getTime()) / 1000)));
}

async function expectBalancedLedger() {
  const unbalanced = rowsOf<{ transaction_id: string }>(
    await store.handle.db.execute(
      sql`select transaction_id from ledger_entries group by transaction_id, currency having sum(amount) <> 0`,
    ),
  );
  expect(unbalanced).toEqual([]);
  for (const total of Object.values(await store.services.ledger.totalsByCurrency())) expect(total).toBe(0);
}

async function eventsOf(scope: TenantScope, type: string) {
  return (await store.services.events.list(scope, { limit: 100, type })).data;
}

describe('two scheduler runs in parallel', () => {
  it('collect each due installment of 20 loans exactly once, first attempts and retries alike', async () => {
    const { scope } = await tenant();
    const { services } = store;
    // 10 customers whose collections succeed, 10 whose first collection of an installment fails.
    const loanIds: string[] = [];
    const retrying = new Set<string>();
    for (let k = 0; k < 20; k++) {
      const c = await customer(scope);
      const last4 = k % 2 === 0 ? '1234' : '0005';
      await services.mandates.create(scope, {
        customerId: c.id,
        bankCode: '058',
        accountNumber: `012345${last4}`,
        accountName: 'Ada Obi',
      });
      const loanId = await activeLoan(scope, c.id);
      loanIds.push(loanId);
      if (last4 === '0005') retrying.add(loanId);
    }
    // Set the mandates up (the clock stays before the first due date).
    const activated = await services.lendingScheduler.run({
      scope,
      now: await services.testClock.advance(scope.accountId, 1),
    });
    expect(activated.mandatesSetUp).toBe(20);
    const first = (await services.loans.schedule(scope, loanIds[0]!)).data[0]!;

    const other = secondWorker();
    const race = async (now: Date) => {
      const reports = await Promise.all([
        services.lendingScheduler.run({ scope, now }),
        other.lendingScheduler.run({ scope, now }),
      ]);
      return reports;
    };

    // The due date: 10 collections succeed, 10 fail once. Between the two runs each loan is claimed once.
    const dueDay = await race(await clockTo(scope, first.dueDate));
    expect(dueDay[0].collectionsAttempted + dueDay[1].collectionsAttempted).toBe(20);
    expect(dueDay[0].collectionsSucceeded + dueDay[1].collectionsSucceeded).toBe(10);
    expect(dueDay[0].collectionsFailed + dueDay[1].collectionsFailed).toBe(10);
    // The retry day (+1): the 10 failed ones are collected once each.
    const retryDay = await race(await services.testClock.advance(scope.accountId, DAY));
    expect(retryDay[0].collectionsAttempted + retryDay[1].collectionsAttempted).toBe(10);
    expect(retryDay[0].collectionsSucceeded + retryDay[1].collectionsSucceeded).toBe(10);
    // Later days of the first installment's period: nothing more to collect.
    const later = await race(await services.testClock.advance(scope.accountId, 2 * DAY));
    expect(later[0].collectionsAttempted + later[1].collectionsAttempted).toBe(0);

    const repayments = await store.handle.db
      .select()
      .from(schema.repayments)
      .where(inArray(schema.repayments.loanId, loanIds));
    for (const loanId of loanIds) {
      const mine = repayments.filter((r) => r.loanId === loanId);
      const succeeded = mine.filter((r) => r.status === 'succeeded');
      const failed = mine.filter((r) => r.status === 'failed');
      expect(succeeded).toHaveLength(1);
      expect(failed).toHaveLength(retrying.has(loanId) ? 1 : 0);
      expect(mine.filter((r) => r.status === 'pending')).toHaveLength(0);
      const schedule = (await services.loans.schedule(scope, loanId)).data;
      expect(succeeded[0]!.amount).toBe(schedule[0]!.total.amount);
      expect(schedule[0]).toMatchObject({ status: 'paid', paid: schedule[0]!.total });
      expect(schedule.slice(1).every((i) => i.paid.amount === 0)).toBe(true);
    }
    // The rail's own book: one collection per succeeded repayment, none for the failed first attempts.
    const succeededIds = repayments.filter((r) => r.status === 'succeeded').map((r) => r.id);
    const book = await store.handle.db
      .select()
      .from(schema.railPayouts)
      .where(
        inArray(
          schema.railPayouts.reference,
          repayments.map((r) => `collection:${r.id}`),
        ),
      );
    expect(book.map((b) => b.reference).sort()).toEqual(succeededIds.map((id) => `collection:${id}`).sort());
    expect(await eventsOf(scope, 'repayment.succeeded')).toHaveLength(20);
    expect(await eventsOf(scope, 'repayment.failed')).toHaveLength(10);
    await expectBalancedLedger();
  });

  it('a run for every tenant and a run for one tenant, in parallel, collect each installment once', async () => {
    const { scope } = await tenant();
    const { services } = store;
    const loanIds: string[] = [];
    for (let k = 0; k < 5; k++) {
      const c = await customer(scope);
      await services.mandates.create(scope, {
        customerId: c.id,
        bankCode: '058',
        accountNumber: '0123451234',
        accountName: 'Ada Obi',
      });
      loanIds.push(await activeLoan(scope, c.id));
    }
    await services.lendingScheduler.run({ scope, now: await services.testClock.advance(scope.accountId, 1) });
    const first = (await services.loans.schedule(scope, loanIds[0]!)).data[0]!;
    const now = await clockTo(scope, first.dueDate);
    // The unscoped run reads each tenant's test clock itself.
    await Promise.all([secondWorker().lendingScheduler.run(), services.lendingScheduler.run({ scope, now })]);
    for (const loanId of loanIds) {
      const list = (await services.loans.listRepayments(scope, loanId, { limit: 10 })).data;
      expect(list.map((r) => r.status)).toEqual(['succeeded']);
    }
    await expectBalancedLedger();
  });
});

describe('concurrent manual repayments of the full outstanding total', () => {
  it('one succeeds, the other is refused, and the loan is paid off once (5 rounds)', async () => {
    const { services } = store;
    const other = secondWorker();
    for (let round = 0; round < 5; round++) {
      const { scope } = await tenant();
      const c = await customer(scope);
      const loanId = await activeLoan(scope, c.id);
      const total = (await services.loans.get(scope, loanId)).outstanding.total.amount;
      const results = await Promise.allSettled([
        services.loans.repay(scope, loanId, { amount: total }),
        other.loans.repay(scope, loanId, { amount: total }),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(refused).toHaveLength(1);
      const error = refused[0]!.reason as ServiceError;
      expect(error).toBeInstanceOf(ServiceError);
      expect(['unprocessable', 'state_conflict']).toContain(error.code);

      const loan = await services.loans.get(scope, loanId);
      expect(loan.status).toBe('paid_off');
      expect(loan.outstanding.total.amount).toBe(0);
      const repayments = (await services.loans.listRepayments(scope, loanId, { limit: 10 })).data;
      expect(repayments.map((r) => [r.status, r.amount.amount])).toEqual([['succeeded', total]]);
      expect(await eventsOf(scope, 'loan.paid_off')).toHaveLength(1);
      expect(await eventsOf(scope, 'repayment.succeeded')).toHaveLength(1);
    }
    await expectBalancedLedger();
  });

  it('two concurrent half payments both succeed and pay the loan off exactly', async () => {
    const { services } = store;
    const { scope } = await tenant();
    const c = await customer(scope);
    const loanId = await activeLoan(scope, c.id);
    const total = (await services.loans.get(scope, loanId)).outstanding.total.amount;
    const half = Math.floor(total / 2);
    const results = await Promise.all([
      services.loans.repay(scope, loanId, { amount: half }),
      secondWorker().loans.repay(scope, loanId, { amount: total - half }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    const loan = await services.loans.get(scope, loanId);
    expect(loan.status).toBe('paid_off');
    expect(await eventsOf(scope, 'loan.paid_off')).toHaveLength(1);
    const paid = (await services.loans.schedule(scope, loanId)).data.reduce((s, i) => s + i.paid.amount, 0);
    expect(paid).toBe(total);
    await expectBalancedLedger();
  });
});

describe('concurrent accepts of one offer', () => {
  it('create one loan; the other accept is a state conflict (5 rounds)', async () => {
    const { services } = store;
    const other = secondWorker();
    for (let round = 0; round < 5; round++) {
      const { scope } = await tenant();
      const c = await customer(scope);
      const offerId = await openOffer(scope, c.id);
      const results = await Promise.allSettled([
        services.loans.acceptOffer(scope, offerId),
        other.loans.acceptOffer(scope, offerId),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0]!.reason).toBeInstanceOf(ServiceError);
      expect(refused[0]!.reason).toMatchObject({
        code: 'state_conflict',
        message: 'Cannot accept a loan_offer that is accepted (allowed from: open)',
      });
      const loans = (await services.loans.list(scope, { limit: 10 })).data;
      expect(loans).toHaveLength(1);
      const offer = await services.loans.getOffer(scope, offerId);
      expect(offer).toMatchObject({ status: 'accepted', loanId: loans[0]!.id });
      expect(await eventsOf(scope, 'loan_offer.accepted')).toHaveLength(1);
    }
  });

  it('an accept racing a decline: exactly one wins', async () => {
    const { services } = store;
    const { scope } = await tenant();
    const c = await customer(scope);
    const offerId = await openOffer(scope, c.id);
    const results = await Promise.allSettled([
      services.loans.acceptOffer(scope, offerId),
      secondWorker().loans.declineOffer(scope, offerId),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const offer = await services.loans.getOffer(scope, offerId);
    const loans = (await services.loans.list(scope, { limit: 10 })).data;
    expect(loans).toHaveLength(offer.status === 'accepted' ? 1 : 0);
    expect(['accepted', 'declined']).toContain(offer.status);
  });
});

describe('a manual payoff racing a mandate collection', () => {
  it('never over-collects in the books: the loan is paid off once and owes nothing', async () => {
    const { services } = store;
    const { scope } = await tenant();
    const c = await customer(scope);
    await services.mandates.create(scope, {
      customerId: c.id,
      bankCode: '058',
      accountNumber: '0123451234',
      accountName: 'Ada Obi',
    });
    const loanId = await activeLoan(scope, c.id);
    await services.lendingScheduler.run({ scope, now: await services.testClock.advance(scope.accountId, 1) });
    const first = (await services.loans.schedule(scope, loanId)).data[0]!;
    const now = await clockTo(scope, first.dueDate);
    const total = (await services.loans.get(scope, loanId)).outstanding.total.amount;
    const [, manual] = await Promise.allSettled([
      secondWorker().lendingScheduler.run({ scope, now }),
      services.loans.repay(scope, loanId, { amount: total }),
    ]);
    const loan = await services.loans.get(scope, loanId);
    const repayments = (await services.loans.listRepayments(scope, loanId, { limit: 10 })).data;
    const succeeded = repayments.filter((r) => r.status === 'succeeded');
    expect(succeeded.reduce((s, r) => s + r.amount.amount, 0)).toBeLessThanOrEqual(total);
    if (manual.status === 'fulfilled') {
      expect(loan.status).toBe('paid_off');
      expect(await eventsOf(scope, 'loan.paid_off')).toHaveLength(1);
    } else {
      // The collection settled first: the full payment is now more than is owed.
      expect(manual.reason).toMatchObject({ code: 'unprocessable' });
      expect(loan.outstanding.total.amount).toBe(total - first.total.amount);
    }
    expect(repayments.filter((r) => r.status === 'pending')).toHaveLength(0);
    await expectBalancedLedger();
  });
});

describe('two workers settling one collection', () => {
  it('settle it once: the other answers null, as for a collection no longer pending', async () => {
    const { services } = store;
    const { scope } = await tenant();
    const c = await customer(scope);
    await services.mandates.create(scope, {
      customerId: c.id,
      bankCode: '058',
      accountNumber: '0123451234',
      accountName: 'Ada Obi',
    });
    const loanId = await activeLoan(scope, c.id);
    await services.lendingScheduler.run({ scope, now: await services.testClock.advance(scope.accountId, 1) });
    const first = (await services.loans.schedule(scope, loanId)).data[0]!;

    // A worker whose rail holds the collection, so it stays pending while two others settle it
    // (as when a tenant's own run takes over a collection another run has just started).
    const inner = createRailSimulator(dbPayoutBook(store.handle.db, store.clock.now));
    let reached!: () => void;
    let release!: () => void;
    const atGate = new Promise<void>((r) => {
      reached = r;
    });
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const rail: PaymentRail = {
      ...inner,
      async collect(input) {
        reached();
        await gate;
        return inner.collect(input);
      },
    };
    const held = createServices({
      db: store.handle.db,
      now: store.clock.now,
      secretBox: services.ctx.secretBox!,
      rail,
    });
    const running = held.lendingScheduler.run({ scope, now: await clockTo(scope, first.dueDate) });
    await atGate;
    const [pending] = (await services.loans.listRepayments(scope, loanId, { limit: 10 })).data;
    expect(pending).toMatchObject({ status: 'pending', amount: first.total });

    const results = await Promise.allSettled([
      services.loans.settleCollection(pending!.id),
      secondWorker().loans.settleCollection(pending!.id),
    ]);
    release();
    await running;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    const answers = results.map((r) => (r.status === 'fulfilled' ? (r.value?.status ?? null) : 'threw'));
    expect(answers.sort()).toEqual([null, 'succeeded'].sort());
    const schedule = (await services.loans.schedule(scope, loanId)).data;
    expect(schedule[0]).toMatchObject({ status: 'paid', paid: first.total });
    expect(schedule[1]!.paid.amount).toBe(0);
    expect(await eventsOf(scope, 'repayment.succeeded')).toHaveLength(1);
    await expectBalancedLedger();
  });
});
