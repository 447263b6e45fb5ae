// One loan through the SDK against a real gateway over HTTP, driven by the test clock from application
// to `paid_off`: the partner applies, accepts and sets up a mandate; the platform (its root key acting
// for the partner with the `account` option) approves and disburses; the clock collects every
// installment through the mandate, whose first attempt on each installment fails (account ending 0005).
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type {
  Customer,
  Installment,
  Lendwire,
  LendwireEvent,
  Loan,
  LoanApplication,
  LoanOffer,
  Mandate,
  Repayment,
  UpcomingRepayment,
} from '../src/index.js';
import { type E2EGateway, type Partner, startE2EGateway } from './support/gateway.js';

const DAY = 86_400;
const PRINCIPAL = 10_000_000; // 100,000.00 NGN in kobo
const FEE = 100_000; // 100 bps of the principal
const INSTALLMENT = 1_785_258;
const TERMS = 6;

let gw: E2EGateway;

beforeAll(async () => {
  // The job workers run (mandates may be set up at once), but not the periodic scheduler: only the
  // test clock moves this tenant's loan, so each advance has settled its collections when it returns.
  gw = await startE2EGateway({ LENDWIRE_SCHEDULER_INTERVAL: '0' });
});
afterAll(() => gw?.close());

/** A lending event's type (events of other resources, such as wallets or keys, are left out). */
const LENDING = /^(loan_application|loan_offer|loan|repayment|mandate)\./;

/** Every event of the account, oldest first. */
async function eventsOldestFirst(client: Lendwire): Promise<LendwireEvent[]> {
  return (await client.events.list({ limit: 100 }).toArray()).reverse();
}

/** Whole days from one `YYYY-MM-DD` to another. */
const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / (DAY * 1000);

/** Sum of what is left to pay on each installment. */
const remaining = (schedule: readonly Installment[]) =>
  schedule.reduce((sum, i) => sum + i.total.amount - i.paid.amount, 0);

describe('a loan from application to paid off through the SDK', () => {
  let partner: Partner;
  /** The platform's root key acting for the partner (`Lendwire-Account`). */
  let platform: Lendwire;
  let customer: Customer;
  let application: LoanApplication;
  let offer: LoanOffer;
  let loanId: string;
  let mandate: Mandate;
  let disbursed: Loan;

  beforeAll(async () => {
    partner = await gw.createPartner('Lending Partner');
    platform = gw.client(gw.rootKey, { account: partner.id });
  });

  it('the partner creates a customer and submits an application', async () => {
    customer = await partner.client.customers.create({ name: 'Ada Obi' });
    application = await partner.client.loanApplications.create({
      customerId: customer.id,
      amount: { amount: PRINCIPAL, currency: 'NGN' },
      termMonths: TERMS,
      purpose: 'Stock for the shop',
    });
    expect(application).toMatchObject({
      object: 'loan_application',
      customerId: customer.id,
      amount: { amount: PRINCIPAL, currency: 'NGN' },
      termMonths: TERMS,
      status: 'submitted',
      offerId: null,
      livemode: false,
    });
  });

  it('the platform approves it with an offer of 24% over 6 equal installments', async () => {
    const approved = await platform.loanApplications.approve(application.id, {
      offer: {
        principal: { amount: PRINCIPAL, currency: 'NGN' },
        annualInterestRateBps: 2400,
        termMonths: TERMS,
        amortization: 'equal_installments',
        originationFeeBps: 100,
      },
    });
    expect(approved.status).toBe('approved');
    expect(approved.offer).toBeDefined();
    offer = approved.offer as LoanOffer;
    expect(approved.offerId).toBe(offer.id);
    expect(offer).toMatchObject({
      object: 'loan_offer',
      applicationId: application.id,
      customerId: customer.id,
      principal: { amount: PRINCIPAL, currency: 'NGN' },
      annualInterestRateBps: 2400,
      termMonths: TERMS,
      amortization: 'equal_installments',
      originationFee: { amount: FEE, currency: 'NGN' },
      installmentAmount: { amount: INSTALLMENT, currency: 'NGN' },
      status: 'open',
      loanId: null,
    });
    // The partner sees the same offer.
    expect(await partner.client.loanOffers.retrieve(offer.id)).toMatchObject({ id: offer.id, status: 'open' });
  });

  it('the partner accepts the offer, which makes a loan pending disbursement', async () => {
    const accepted = await partner.client.loanOffers.accept(offer.id);
    expect(accepted.status).toBe('accepted');
    expect(accepted.loanId).toMatch(/^loan_/);
    loanId = accepted.loanId as string;
    expect(accepted.loan).toMatchObject({
      id: loanId,
      object: 'loan',
      applicationId: application.id,
      offerId: offer.id,
      customerId: customer.id,
      status: 'pending_disbursement',
      disbursedAt: null,
      nextDueDate: null,
    });
    // Nothing is owed before the money moves: the schedule is written at disbursement.
    expect(accepted.loan?.outstanding.total).toEqual({ amount: 0, currency: 'NGN' });
  });

  it('the partner sets up a mandate on an account ending 0005, active after the bank answers', async () => {
    mandate = await partner.client.mandates.create({
      customerId: customer.id,
      bankCode: '058',
      accountNumber: '0123450005',
      accountName: 'Ada Obi',
    });
    expect(mandate).toMatchObject({
      object: 'mandate',
      customerId: customer.id,
      bankAccount: { bankCode: '058', last4: '0005', accountName: 'Ada Obi' },
      currency: 'NGN',
      failureCode: null,
    });
    expect(JSON.stringify(mandate)).not.toContain('0123450005');
    // `pending` until the bank answers: the job workers may have set it up already; a clock advance
    // of one second does it in any case (it runs the tenant's pending lending work).
    expect(['pending', 'active']).toContain(mandate.status);
    await partner.client.testHelpers.clock.advance({ seconds: 1 });
    const active = await partner.client.mandates.retrieve(mandate.id);
    expect(active).toMatchObject({ id: mandate.id, status: 'active', failureCode: null });
  });

  it('the platform disburses: principal less the fee lands in the vendor wallet', async () => {
    disbursed = await platform.loans.disburse(loanId);
    expect(disbursed).toMatchObject({
      id: loanId,
      status: 'active',
      principal: { amount: PRINCIPAL, currency: 'NGN' },
      originationFee: { amount: FEE, currency: 'NGN' },
      daysPastDue: 0,
      delinquencyBucket: 'current',
    });
    expect(disbursed.disbursedAt).not.toBeNull();
    const wallets = await partner.client.wallets.list().toArray();
    expect(wallets.map((w) => [w.currency, w.available.amount])).toEqual([['NGN', PRINCIPAL - FEE]]);
  });

  it('writes a schedule of 6 installments of 1,785,258 kobo (the last one balances)', async () => {
    const schedule = (await partner.client.loans.schedule(loanId)).data;
    expect(schedule.map((i) => i.number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(schedule.slice(0, 5).map((i) => i.total.amount)).toEqual(Array(5).fill(INSTALLMENT));
    expect(schedule.every((i) => i.status === 'upcoming' && i.paid.amount === 0 && i.fees.amount === 0)).toBe(true);
    expect(schedule.every((i) => i.total.amount === i.principal.amount + i.interest.amount)).toBe(true);
    expect(schedule.reduce((sum, i) => sum + i.principal.amount, 0)).toBe(PRINCIPAL);
    // The last installment takes the rounding: within a few kobo of the others.
    const last = schedule[5] as Installment;
    expect(Math.abs(last.total.amount - INSTALLMENT)).toBeLessThan(TERMS);
    expect(last.total.amount).toBe(offer.totalRepayable.amount - 5 * INSTALLMENT);
    // Due a month apart, in order, from the disbursement date.
    const dates = schedule.map((i) => i.dueDate);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBe(TERMS);
    expect(dates[0]! > (disbursed.disbursedAt as string).slice(0, 10)).toBe(true);
    expect(disbursed.nextDueDate).toBe(dates[0]);
    expect(disbursed.outstanding.total.amount).toBe(remaining(schedule));
    expect(disbursed.outstanding.principal.amount).toBe(PRINCIPAL);
    expect(offer.totalRepayable.amount).toBe(remaining(schedule));
  });

  it('collects each installment with the clock: fails on its due date, succeeds the day after', {
    timeout: 120_000,
  }, async () => {
    const schedule = (await partner.client.loans.schedule(loanId)).data;
    const totals = schedule.map((i) => i.total.amount);
    let today = (await partner.client.testHelpers.clock.advance({ seconds: 1 })).now.slice(0, 10);
    const advanceDays = async (days: number) => {
      const clock = await partner.client.testHelpers.clock.advance({ seconds: days * DAY });
      today = clock.now.slice(0, 10);
    };
    const count = async (type: string) => (await partner.client.events.list({ type }).toArray()).length;

    for (const [n, installment] of schedule.entries()) {
      const number = n + 1;
      const left = totals.slice(number).reduce((a, b) => a + b, 0);
      // Month by month: one jump to the day before the due date (the clock steps through each day).
      await advanceDays(daysBetween(today, installment.dueDate) - 1);
      expect(daysBetween(today, installment.dueDate)).toBe(1);
      let loan = await partner.client.loans.retrieve(loanId);
      expect(loan).toMatchObject({ status: 'active', nextDueDate: installment.dueDate, daysPastDue: 0 });
      expect(loan.outstanding.total.amount).toBe(installment.total.amount + left);
      expect(await count('repayment.upcoming')).toBe(number);
      expect(await count('repayment.failed')).toBe(number - 1);

      // The due date: the first collection through the mandate fails; not late yet.
      await advanceDays(1);
      expect(today).toBe(installment.dueDate);
      let now = (await partner.client.loans.schedule(loanId)).data[n] as Installment;
      expect(now).toMatchObject({ number, status: 'due', paid: { amount: 0 } });
      expect(await count('repayment.failed')).toBe(number);
      expect(await count('loan.overdue')).toBe(number - 1);
      loan = await partner.client.loans.retrieve(loanId);
      expect(loan).toMatchObject({ daysPastDue: 0, delinquencyBucket: 'current' });
      expect(loan.outstanding.total.amount).toBe(installment.total.amount + left);

      // The day after: overdue, then the retry collects it in full.
      await advanceDays(1);
      now = (await partner.client.loans.schedule(loanId)).data[n] as Installment;
      expect(now).toMatchObject({ number, status: 'paid', paid: { amount: installment.total.amount } });
      expect(await count('loan.overdue')).toBe(number);
      expect(await count('repayment.succeeded')).toBe(number);
      loan = await partner.client.loans.retrieve(loanId);
      // What is outstanding is exactly the totals of the installments still to come.
      expect(loan.outstanding.total.amount).toBe(left);
      expect(loan.outstanding.total.amount).toBe(
        disbursed.outstanding.total.amount - totals.slice(0, number).reduce((a, b) => a + b, 0),
      );
      if (number < TERMS) {
        expect(loan).toMatchObject({
          status: 'active',
          nextDueDate: schedule[number]?.dueDate,
          daysPastDue: 0,
          delinquencyBucket: 'current',
        });
      }
    }
  });

  it('ends paid off, every installment paid in full', async () => {
    const loan = await partner.client.loans.retrieve(loanId);
    expect(loan).toMatchObject({
      status: 'paid_off',
      outstanding: {
        principal: { amount: 0, currency: 'NGN' },
        interest: { amount: 0, currency: 'NGN' },
        fees: { amount: 0, currency: 'NGN' },
        total: { amount: 0, currency: 'NGN' },
      },
      nextDueDate: null,
    });
    const schedule = (await partner.client.loans.schedule(loanId)).data;
    expect(schedule.map((i) => i.status)).toEqual(Array(TERMS).fill('paid'));
    expect(schedule.every((i) => i.paid.amount === i.total.amount)).toBe(true);
    // The platform sees the same loan.
    expect((await platform.loans.retrieve(loanId)).status).toBe('paid_off');
  });

  it('records one failed and one successful mandate collection per installment', async () => {
    const repayments = (await partner.client.loans.repayments.list(loanId, { limit: 5 }).toArray()).reverse();
    expect(repayments).toHaveLength(2 * TERMS);
    const schedule = (await partner.client.loans.schedule(loanId)).data;
    schedule.forEach((installment, n) => {
      const [failed, succeeded] = repayments.slice(2 * n, 2 * n + 2) as [Repayment, Repayment];
      expect(failed).toMatchObject({
        source: 'mandate',
        mandateId: mandate.id,
        status: 'failed',
        failureCode: 'insufficient_funds',
        amount: { amount: installment.total.amount, currency: 'NGN' },
        allocation: { fees: { amount: 0 }, interest: { amount: 0 }, principal: { amount: 0 } },
      });
      expect(succeeded).toMatchObject({
        source: 'mandate',
        mandateId: mandate.id,
        status: 'succeeded',
        failureCode: null,
        amount: { amount: installment.total.amount, currency: 'NGN' },
        allocation: {
          fees: { amount: installment.fees.amount },
          interest: { amount: installment.interest.amount },
          principal: { amount: installment.principal.amount },
        },
      });
    });
    const one = repayments[1] as Repayment;
    expect(await partner.client.repayments.retrieve(one.id)).toEqual(one);
  });

  it('leaves the vendor wallet at principal less the fee: collections go to the platform', async () => {
    const wallets = await partner.client.wallets.list().toArray();
    expect(wallets.map((w) => [w.currency, w.available.amount, w.pending.amount])).toEqual([
      ['NGN', PRINCIPAL - FEE, 0],
    ]);
  });

  it('emits the lending events in order, ending with loan.paid_off', async () => {
    const events = (await eventsOldestFirst(partner.client)).filter((e) => LENDING.test(e.type));
    const perInstallment = ['repayment.upcoming', 'repayment.failed', 'loan.overdue', 'repayment.succeeded'];
    expect(events.map((e) => e.type)).toEqual([
      'loan_application.submitted',
      'loan_application.approved',
      'loan_offer.created',
      'loan_offer.accepted',
      'mandate.activated',
      'loan.disbursed',
      ...Array.from({ length: TERMS }, () => perInstallment).flat(),
      'loan.paid_off',
    ]);
    expect(events.at(-1)?.type).toBe('loan.paid_off');

    // The first installment's four events, with their objects.
    const schedule = (await partner.client.loans.schedule(loanId)).data;
    const first = schedule[0] as Installment;
    const [upcoming, failed, overdue, succeeded] = events.slice(6, 10);
    expect(upcoming?.data.object).toMatchObject({
      object: 'upcoming_repayment',
      loanId,
      customerId: customer.id,
      installmentNumber: 1,
      dueDate: first.dueDate,
      amountDue: { amount: first.total.amount, currency: 'NGN' },
      mandateId: mandate.id,
    });
    expect(failed?.data.object).toMatchObject({ object: 'repayment', loanId, status: 'failed' });
    expect(overdue?.data.object).toMatchObject({
      object: 'loan',
      id: loanId,
      status: 'active',
      daysPastDue: 1,
      delinquencyBucket: '1_30',
    });
    expect(succeeded?.data.object).toMatchObject({
      object: 'repayment',
      loanId,
      status: 'succeeded',
      amount: { amount: first.total.amount },
    });
    const paidOff = events.at(-1)?.data.object as Loan;
    expect(paidOff).toMatchObject({ id: loanId, status: 'paid_off', outstanding: { total: { amount: 0 } } });
  });

  it('filters events by type and narrows each on its type', async () => {
    const failed = await partner.client.events.list({ type: 'repayment.failed' }).toArray();
    expect(failed).toHaveLength(TERMS);
    const upcoming: UpcomingRepayment[] = [];
    for await (const event of partner.client.events.list({ type: 'repayment.*' })) {
      expect(event.type).toMatch(/^repayment\./);
      if (event.type === 'repayment.failed') {
        // Narrowing on `type` types `data.object`: a repayment here.
        expectTypeOf(event.data.object).toEqualTypeOf<Repayment>();
        expect(event.data.object.failureCode).toBe('insufficient_funds');
      } else if (event.type === 'repayment.upcoming') {
        expectTypeOf(event.data.object).toEqualTypeOf<UpcomingRepayment>();
        upcoming.push(event.data.object);
      }
    }
    expect(upcoming.map((u) => u.installmentNumber)).toEqual([6, 5, 4, 3, 2, 1]);
    const loanEvents = await partner.client.events.list({ type: 'loan.*' }).toArray();
    const last = loanEvents[0];
    if (last?.type !== 'loan.paid_off') throw new Error(`expected loan.paid_off newest, got ${last?.type}`);
    expectTypeOf(last.data.object).toEqualTypeOf<Loan>();
    expect(last.data.object.status).toBe('paid_off');
  });
});
