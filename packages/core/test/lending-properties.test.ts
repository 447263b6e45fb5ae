/**
 * Random lending on one store: loans of random terms, manual repayments (part, exact and refused
 * over-payments), write-offs, mandates that collect (1234) or fail each first collection (0005), and
 * random advances of the test clock with the scheduler run day by day. After every sequence the
 * books and the loans must agree: balanced postings, balances summing to zero, outstanding amounts
 * equal to the installments, allocations equal to what the installments record as paid, and the
 * loan funding account equal to the principal still lent out.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, ServiceError, schema, type TenantScope } from '../src/index.js';
import { openTestStore, type TestStore } from './support.js';

let store: TestStore;
let n = 0;

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store.close());

const DAY = 86_400;

type Op =
  | {
      kind: 'loan';
      customer: number;
      principal: number;
      rateBps: number;
      termMonths: number;
      amortization: 'equal_installments' | 'flat';
      feeBps: number;
      disburse: boolean;
    }
  | { kind: 'disburse'; loan: number }
  | { kind: 'repay'; loan: number; how: 'part' | 'exact' | 'over'; share: number; extra: number }
  | { kind: 'write_off'; loan: number }
  | { kind: 'mandate'; customer: number; last4: '1234' | '0005' }
  | { kind: 'advance'; days: number; seconds: number; daily: boolean };

const loanArb = fc.record({
  kind: fc.constant('loan' as const),
  customer: fc.nat({ max: 1 }),
  principal: fc.integer({ min: 100_000, max: 5_000_000 }),
  rateBps: fc.integer({ min: 0, max: 6000 }),
  termMonths: fc.integer({ min: 1, max: 6 }),
  amortization: fc.constantFrom('equal_installments' as const, 'flat' as const),
  feeBps: fc.integer({ min: 0, max: 300 }),
  disburse: fc.boolean(),
});
const mandateArb = fc.record({
  kind: fc.constant('mandate' as const),
  customer: fc.nat({ max: 1 }),
  last4: fc.constantFrom('1234' as const, '0005' as const),
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: loanArb },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('disburse' as const), loan: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('repay' as const),
      loan: fc.nat(),
      how: fc.constantFrom('part' as const, 'part' as const, 'exact' as const, 'over' as const),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
      extra: fc.integer({ min: 1, max: 1_000_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('write_off' as const), loan: fc.nat() }) },
  { weight: 2, arbitrary: mandateArb },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      days: fc.integer({ min: 0, max: 25 }),
      seconds: fc.integer({ min: 1, max: DAY - 1 }),
      // Day by day as the test clock helper runs it, or one run at the new time (a late worker).
      daily: fc.boolean(),
    }),
  },
);

/**
 * A run: a mandate and a disbursed loan of the first customer, an over-payment of it, random
 * operations, then 33 days day by day, so every run has something for the scheduler to collect
 * (unless the random part settles it first).
 */
const sequenceArb: fc.Arbitrary<Op[]> = fc
  .tuple(mandateArb, loanArb, fc.integer({ min: 1, max: 1_000_000 }), fc.array(opArb, { maxLength: 12 }))
  .map(([mandate, loan, extra, ops]) => [
    { ...mandate, customer: 0 },
    { ...loan, customer: 0, disburse: true },
    { kind: 'repay', loan: 0, how: 'over', share: 1, extra },
    ...ops,
    { kind: 'advance', days: 33, seconds: 1, daily: true },
  ]);

/** What a run did that the store does not say by itself. */
interface Tally {
  manualAccepted: number;
  overpaymentsRefused: number;
}

async function runOps(ops: Op[], tally: Tally): Promise<TenantScope> {
  const { services } = store;
  const account = await services.accounts.create({ name: `P${++n}`, contactEmail: 'p@example.com' });
  const scope: TenantScope = { accountId: account.id, livemode: false };
  const customers = [
    await services.customers.create(scope, { name: 'Ada Obi' }),
    await services.customers.create(scope, { name: 'Bayo Ade' }),
  ];
  const loanIds: string[] = [];
  const pick = (k: number) => (loanIds.length === 0 ? undefined : loanIds[k % loanIds.length]);

  for (const op of ops) {
    switch (op.kind) {
      case 'loan': {
        const app = await services.loanApplications.create(scope, {
          customerId: customers[op.customer]!.id,
          amount: { amount: op.principal, currency: 'NGN' },
          termMonths: op.termMonths,
          purpose: 'Stock',
        });
        const approved = await services.loanApplications.approve(scope, app.id, {
          offer: {
            principal: { amount: op.principal, currency: 'NGN' },
            annualInterestRateBps: op.rateBps,
            termMonths: op.termMonths,
            amortization: op.amortization,
            originationFeeBps: op.feeBps,
          },
        });
        const accepted = await services.loans.acceptOffer(scope, approved.offerId!);
        loanIds.push(accepted.loanId!);
        if (op.disburse) await services.loans.disburse(scope, accepted.loanId!);
        break;
      }
      case 'disburse': {
        const id = pick(op.loan);
        if (!id) break;
        const before = await services.loans.get(scope, id);
        if (before.status === 'pending_disbursement') {
          expect((await services.loans.disburse(scope, id)).status).toBe('active');
        } else {
          await expect(services.loans.disburse(scope, id)).rejects.toMatchObject({ code: 'state_conflict' });
        }
        break;
      }
      case 'repay': {
        const id = pick(op.loan);
        if (!id) break;
        const before = await services.loans.get(scope, id);
        const owed = before.outstanding.total.amount;
        if (before.status !== 'active') {
          await expect(services.loans.repay(scope, id, { amount: Math.max(owed, 1) })).rejects.toMatchObject({
            code: 'state_conflict',
          });
          break;
        }
        expect(owed).toBeGreaterThan(0);
        if (op.how === 'over') {
          const error = await services.loans.repay(scope, id, { amount: owed + op.extra }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ServiceError);
          expect((error as ServiceError).code).toBe('unprocessable');
          expect((await services.loans.get(scope, id)).outstanding.total.amount).toBe(owed);
          tally.overpaymentsRefused++;
          break;
        }
        const amount = op.how === 'exact' ? owed : Math.max(1, Math.floor(owed * op.share));
        const repayment = await services.loans.repay(scope, id, { amount });
        tally.manualAccepted++;
        expect(repayment.status).toBe('succeeded');
        const after = await services.loans.get(scope, id);
        expect(after.outstanding.total.amount).toBe(owed - amount);
        expect(after.status).toBe(amount === owed ? 'paid_off' : 'active');
        break;
      }
      case 'write_off': {
        const id = pick(op.loan);
        if (!id) break;
        const before = await services.loans.get(scope, id);
        if (before.status === 'active') {
          const after = await services.loans.writeOff(scope, id);
          expect(after.status).toBe('written_off');
          expect(after.outstanding).toEqual(before.outstanding);
        } else {
          await expect(services.loans.writeOff(scope, id)).rejects.toMatchObject({ code: 'state_conflict' });
        }
        break;
      }
      case 'mandate': {
        await services.mandates.create(scope, {
          customerId: customers[op.customer]!.id,
          bankCode: '058',
          accountNumber: `012345${op.last4}`,
          accountName: 'Ada Obi',
        });
        break;
      }
      case 'advance': {
        const from = await services.testClock.now(scope);
        const to = await services.testClock.advance(scope.accountId, op.days * DAY + op.seconds);
        if (op.daily) await services.lendingScheduler.runThrough(scope, from, to);
        else await services.lendingScheduler.run({ scope, now: to });
        break;
      }
    }
  }
  return scope;
}

/**
 * Every invariant of the books (over the whole store: every run so far) and of the loans of the
 * run just made (those of earlier runs no longer change: their tenants' clocks stand still).
 */
async function checkInvariants(scope: TenantScope, tally: Tally) {
  const { services, handle } = store;
  const db = handle.db;

  // Every transaction balances, per currency.
  const unbalanced = rowsOf<{ transaction_id: string }>(
    await db.execute(
      sql`select transaction_id from ledger_entries group by transaction_id, currency having sum(amount) <> 0`,
    ),
  );
  expect(unbalanced).toEqual([]);
  // Balances sum to zero per currency, and each balance is the sum of its entries.
  for (const [currency, total] of Object.entries(await services.ledger.totalsByCurrency())) {
    expect([currency, total]).toEqual([currency, 0]);
  }
  const balances = rowsOf<{ currency: string; total: string | number }>(
    await db.execute(sql`select currency, sum(balance) as total from ledger_accounts group by currency`),
  );
  for (const b of balances) expect([b.currency, Number(b.total)]).toEqual([b.currency, 0]);
  const drifted = rowsOf<{ id: string }>(
    await db.execute(sql`
      select a.id from ledger_accounts a left join ledger_entries e on e.ledger_account_id = a.id
      group by a.id, a.balance having a.balance <> coalesce(sum(e.amount), 0)`),
  );
  expect(drifted).toEqual([]);

  const loans = await db.select().from(schema.loans).where(eq(schema.loans.accountId, scope.accountId));
  const installments = await db
    .select()
    .from(schema.loanInstallments)
    .where(eq(schema.loanInstallments.accountId, scope.accountId));
  const repayments = await db.select().from(schema.repayments).where(eq(schema.repayments.accountId, scope.accountId));
  let manualSucceeded = 0;
  for (const row of loans) {
    const loan = await services.loans.get(scope, row.id);
    const mine = installments.filter((i) => i.loanId === row.id);
    const paidRepayments = repayments.filter((r) => r.loanId === row.id && r.status === 'succeeded');
    if (row.status === 'pending_disbursement') {
      expect(mine).toEqual([]);
      expect(paidRepayments).toEqual([]);
      continue;
    }
    expect(mine).toHaveLength(row.termMonths);

    // The API's installments: amounts non-negative, paid within the total, status matching the amounts.
    const schedule = (await services.loans.schedule(scope, row.id)).data;
    let owed = 0;
    for (const i of schedule) {
      for (const m of [i.principal, i.interest, i.fees, i.total, i.paid]) expect(m.amount).toBeGreaterThanOrEqual(0);
      expect(i.total.amount).toBe(i.principal.amount + i.interest.amount + i.fees.amount);
      expect(i.paid.amount).toBeLessThanOrEqual(i.total.amount);
      expect(i.status === 'paid').toBe(i.paid.amount === i.total.amount);
      owed += i.total.amount - i.paid.amount;
    }
    expect(schedule.reduce((s, i) => s + i.principal.amount, 0)).toBe(row.principal);
    expect(loan.outstanding.total.amount).toBe(owed);
    expect(loan.outstanding.total.amount).toBe(
      loan.outstanding.principal.amount + loan.outstanding.interest.amount + loan.outstanding.fees.amount,
    );
    // Per component, the rows never pay more than due.
    for (const i of mine) {
      expect(i.paidFees).toBeGreaterThanOrEqual(0);
      expect(i.paidInterest).toBeGreaterThanOrEqual(0);
      expect(i.paidPrincipal).toBeGreaterThanOrEqual(0);
      expect(i.paidFees).toBeLessThanOrEqual(i.fees);
      expect(i.paidInterest).toBeLessThanOrEqual(i.interest);
      expect(i.paidPrincipal).toBeLessThanOrEqual(i.principal);
    }
    // Succeeded repayments' allocations are what the installments record as paid, component by component.
    const allocated = (k: 'allocatedFees' | 'allocatedInterest' | 'allocatedPrincipal') =>
      paidRepayments.reduce((s, r) => s + r[k], 0);
    const paid = (k: 'paidFees' | 'paidInterest' | 'paidPrincipal') => mine.reduce((s, i) => s + i[k], 0);
    expect([allocated('allocatedFees'), allocated('allocatedInterest'), allocated('allocatedPrincipal')]).toEqual([
      paid('paidFees'),
      paid('paidInterest'),
      paid('paidPrincipal'),
    ]);
    for (const r of paidRepayments) {
      expect(r.allocatedFees + r.allocatedInterest + r.allocatedPrincipal).toBe(r.amount);
    }
    // Failed and pending repayments moved nothing.
    for (const r of repayments.filter((x) => x.loanId === row.id && x.status !== 'succeeded')) {
      expect(r.allocatedFees + r.allocatedInterest + r.allocatedPrincipal).toBe(0);
    }
    manualSucceeded += paidRepayments.filter((r) => r.source === 'manual').length;

    // A paid-off loan owes nothing; an active one owes something (else it would be paid off).
    if (row.status === 'paid_off') expect(owed).toBe(0);
    if (row.status === 'active') expect(owed).toBeGreaterThan(0);
    expect(loan.status).toBe(row.status);
  }
  expect(manualSucceeded).toBe(tally.manualAccepted);
  // No repayment is left pending after a scheduler run.
  expect(repayments.filter((r) => r.status === 'pending')).toEqual([]);

  // Over the whole store: the loan funding account is short exactly the principal lent and not yet
  // repaid, and collections took in exactly what succeeded repayments brought.
  const [totals] = rowsOf<{ disbursed: string; repaid: string; paid: string; collected: string }>(
    await db.execute(sql`
      select
        (select coalesce(sum(principal), 0) from loans where disbursed_at is not null) as disbursed,
        (select coalesce(sum(allocated_principal), 0) from repayments where status = 'succeeded') as repaid,
        (select coalesce(sum(paid_principal), 0) from loan_installments) as paid,
        (select coalesce(sum(amount), 0) from repayments where status = 'succeeded') as collected`),
  );
  expect(Number(totals!.repaid)).toBe(Number(totals!.paid));
  const funding = await services.ledger.systemAccount('loan_funding', 'NGN', false);
  expect(await services.ledger.balance(funding)).toBe(Number(totals!.repaid) - Number(totals!.disbursed));
  const collections = await services.ledger.systemAccount('collections', 'NGN', false);
  expect(await services.ledger.balance(collections)).toBe(0 - Number(totals!.collected));
  // Each succeeded repayment of this run posted once; a failed or refused one posted nothing.
  const postings = await db
    .select({ reference: schema.ledgerTransactions.reference })
    .from(schema.ledgerTransactions)
    .where(
      and(
        eq(schema.ledgerTransactions.type, 'repayment_collection'),
        inArray(
          schema.ledgerTransactions.reference,
          repayments.map((r) => `${r.id}:settle`),
        ),
      ),
    );
  expect(postings.map((p) => p.reference).sort()).toEqual(
    repayments
      .filter((r) => r.status === 'succeeded')
      .map((r) => `${r.id}:settle`)
      .sort(),
  );
}

describe('lending invariants (property)', () => {
  it('hold after random loans, repayments, write-offs, mandates and clock advances', async () => {
    const tally: Tally = { manualAccepted: 0, overpaymentsRefused: 0 };
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (ops) => {
        const run: Tally = { manualAccepted: 0, overpaymentsRefused: 0 };
        const scope = await runOps(ops, run);
        await checkInvariants(scope, run);
        tally.manualAccepted += run.manualAccepted;
        tally.overpaymentsRefused += run.overpaymentsRefused;
      }),
      { numRuns: 20 },
    );
    // The runs exercised what they are meant to (sanity of the generator, over all runs).
    const repayments = await store.handle.db.select().from(schema.repayments);
    expect(tally.manualAccepted).toBeGreaterThan(0);
    expect(tally.overpaymentsRefused).toBeGreaterThan(0);
    expect(repayments.some((r) => r.source === 'mandate' && r.status === 'succeeded')).toBe(true);
  }, 300_000);
});
