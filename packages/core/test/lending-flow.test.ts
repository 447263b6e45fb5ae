import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantScope } from '../src/index.js';
import { openTestStore, type TestStore } from './support.js';

let store: TestStore;
let n = 0;

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store.close());

const DAY = 86_400;

async function tenant() {
  const { services } = store;
  const account = await services.accounts.create({ name: `L${++n}`, contactEmail: 'l@example.com' });
  const scope: TenantScope = { accountId: account.id, livemode: false };
  const customer = await services.customers.create(scope, { name: 'Ada Obi' });
  return { scope, customer };
}

/** Advances the tenant's test clock and runs the scheduler once per day crossed, as the test helper does. */
async function advance(scope: TenantScope, seconds: number) {
  const { services } = store;
  const now = await services.testClock.advance(scope.accountId, seconds);
  return services.lendingScheduler.run({ scope, now });
}

async function eventTypes(scope: TenantScope) {
  const page = await store.services.events.list(scope, { limit: 100 });
  return page.data.map((e) => e.type).reverse();
}

describe('a loan from application to paid off, on the service layer', () => {
  it('applies, approves, accepts, disburses, collects with one retry and pays off', async () => {
    const { services } = store;
    const { scope, customer } = await tenant();
    const app = await services.loanApplications.create(scope, {
      customerId: customer.id,
      amount: { amount: 10_000_000, currency: 'NGN' },
      termMonths: 6,
      purpose: 'Stock',
    });
    const approved = await services.loanApplications.approve(scope, app.id, {
      offer: {
        principal: { amount: 10_000_000, currency: 'NGN' },
        annualInterestRateBps: 2400,
        termMonths: 6,
        amortization: 'equal_installments',
        originationFeeBps: 100,
      },
    });
    expect(approved.offer?.installmentAmount.amount).toBe(1_785_258);
    const accepted = await services.loans.acceptOffer(scope, approved.offerId!);
    const loanId = accepted.loanId!;
    const mandate = await services.mandates.create(scope, {
      customerId: customer.id,
      bankCode: '058',
      accountNumber: '0123450005',
      accountName: 'Ada Obi',
    });
    expect(mandate.status).toBe('pending');
    await advance(scope, 1);
    expect((await services.mandates.get(scope, mandate.id)).status).toBe('active');
    const loan = await services.loans.disburse(scope, loanId);
    expect(loan.status).toBe('active');
    const wallet = (await services.wallets.list(scope, { limit: 10 })).data[0]!;
    expect(wallet.available.amount).toBe(10_000_000 - 100_000);

    const schedule = await services.loans.schedule(scope, loanId);
    expect(schedule.data).toHaveLength(6);
    let total = 0;
    for (const inst of schedule.data) total += inst.total.amount;
    expect(loan.outstanding.total.amount).toBe(total);

    // Walk day by day through the term.
    for (let day = 0; day < 200; day++) await advance(scope, DAY);
    const done = await services.loans.get(scope, loanId);
    expect(done.status).toBe('paid_off');
    expect(done.outstanding.total.amount).toBe(0);
    const types = await eventTypes(scope);
    expect(types.slice(0, 6)).toEqual([
      'loan_application.submitted',
      'loan_application.approved',
      'loan_offer.created',
      'loan_offer.accepted',
      'mandate.activated',
      'loan.disbursed',
    ]);
    expect(types.filter((t) => t === 'repayment.failed')).toHaveLength(6);
    expect(types.filter((t) => t === 'repayment.succeeded')).toHaveLength(6);
    expect(types.filter((t) => t === 'repayment.upcoming')).toHaveLength(6);
    expect(types.at(-1)).toBe('loan.paid_off');
  });
});
