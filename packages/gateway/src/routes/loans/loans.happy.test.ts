import { rowsOf } from '@lendwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import {
  acceptOffer,
  activeLoan,
  advanceClock,
  approveApplication,
  createCustomer,
  DEFAULT_OFFER,
  disburseLoan,
  openOffer,
  platformFor,
  submitApplication,
} from '../../../test/support/lending.js';
import { idempotencyHeader } from '../../../test/support/money.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

interface Installment {
  number: number;
  dueDate: string;
  principal: { amount: number };
  interest: { amount: number };
  fees: { amount: number };
  total: { amount: number };
  paid: { amount: number };
  status: string;
}

const DAY = 86_400;

/** The calendar date `months` months after `at` (UTC), clamped to the month's last day. */
function monthsAfter(at: Date, months: number): string {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(at.getUTCDate(), last))).toISOString().slice(0, 10);
}

async function scheduleOf(p: Partner, loanId: string): Promise<Installment[]> {
  const res = await gw.request('GET', `/v1/loans/${loanId}/schedule`, { key: p.key });
  expect(res.status, res.text).toBe(200);
  expect(res.body).toMatchObject({ object: 'list', hasMore: false, nextCursor: null });
  return res.body.data;
}

async function getLoan(p: Partner, loanId: string) {
  const res = await gw.request('GET', `/v1/loans/${loanId}`, { key: p.key });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function repay(p: Partner, loanId: string, amount: number, extra: Record<string, unknown> = {}) {
  const res = await gw.request('POST', `/v1/loans/${loanId}/repayments`, {
    key: p.key,
    headers: idempotencyHeader(),
    body: { amount, ...extra },
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** Event types of the partner, oldest first, optionally filtered by a `type` pattern. */
async function eventTypes(p: Partner, type?: string): Promise<string[]> {
  const res = await gw.request('GET', `/v1/events?limit=100${type ? `&type=${type}` : ''}`, { key: p.key });
  expect(res.status, res.text).toBe(200);
  return res.body.data.map((e: { type: string }) => e.type).reverse();
}

/** A loan accepted but not disbursed. */
async function pendingLoan(p: Partner) {
  const { offerId, customerId } = await openOffer(gw, p);
  const accepted = await acceptOffer(gw, p, offerId);
  return { loanId: accepted.loanId, customerId };
}

describe('loans: list and retrieve', () => {
  it('GET /v1/loans lists newest first and filters by customerId and status', async () => {
    const p = await gw.createPartner();
    const first = await pendingLoan(p);
    const second = await activeLoan(gw, p);
    const customer = await createCustomer(gw, p, 'Bola');
    const app = await submitApplication(gw, p, { customerId: customer.id });
    const approved = await approveApplication(gw, p, app.id);
    const third = await acceptOffer(gw, p, approved.offerId);

    const all = await gw.request('GET', '/v1/loans', { key: p.key });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ object: 'list', hasMore: false });
    expect(all.body.data.map((l: { id: string }) => l.id)).toEqual([third.loanId, second.loanId, first.loanId]);

    const byCustomer = await gw.request('GET', `/v1/loans?customerId=${customer.id}`, { key: p.key });
    expect(byCustomer.body.data.map((l: { id: string }) => l.id)).toEqual([third.loanId]);

    const active = await gw.request('GET', '/v1/loans?status=active', { key: p.key });
    expect(active.body.data.map((l: { id: string }) => l.id)).toEqual([second.loanId]);
    expect(active.body.data[0].outstanding.total.amount).toBeGreaterThan(0);

    const pending = await gw.request('GET', '/v1/loans?status=pending_disbursement', { key: p.key });
    expect(pending.body.data.map((l: { id: string }) => l.id)).toEqual([third.loanId, first.loanId]);

    const both = await gw.request('GET', `/v1/loans?customerId=${customer.id}&status=active`, { key: p.key });
    expect(both.body.data).toEqual([]);

    const page = await gw.request('GET', '/v1/loans?limit=2', { key: p.key });
    expect(page.body.hasMore).toBe(true);
    expect(page.body.data).toHaveLength(2);
    const rest = await gw.request('GET', `/v1/loans?limit=2&startingAfter=${page.body.nextCursor}`, { key: p.key });
    expect(rest.body.data.map((l: { id: string }) => l.id)).toEqual([first.loanId]);
  });

  it('GET /v1/loans/{id} returns the loan with its terms, pending disbursement and owing nothing yet', async () => {
    const p = await gw.createPartner();
    const { loanId, customerId } = await pendingLoan(p);
    const loan = await getLoan(p, loanId);
    expect(loan).toMatchObject({
      id: loanId,
      object: 'loan',
      customerId,
      principal: DEFAULT_OFFER.principal,
      annualInterestRateBps: 2400,
      termMonths: 6,
      amortization: 'equal_installments',
      originationFee: { amount: 100_000, currency: 'NGN' },
      status: 'pending_disbursement',
      disbursedAt: null,
      nextDueDate: null,
      daysPastDue: 0,
      delinquencyBucket: 'current',
      livemode: false,
    });
    expect(loan.id).toMatch(/^loan_[0-9a-z]{26}$/);
    expect(loan.outstanding.total).toEqual({ amount: 0, currency: 'NGN' });
    const listed = await gw.request('GET', '/v1/loans', { key: p.key });
    expect(listed.body.data[0]).toEqual(loan);
  });
});

describe('loans: schedule', () => {
  it('before disbursement: 6 projected installments, upcoming, nothing paid, principal parts summing to the principal', async () => {
    const p = await gw.createPartner();
    const { loanId } = await pendingLoan(p);
    const schedule = await scheduleOf(p, loanId);
    expect(schedule).toHaveLength(6);
    expect(schedule.map((i) => i.number)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const i of schedule) {
      expect(i.status).toBe('upcoming');
      expect(i.paid).toEqual({ amount: 0, currency: 'NGN' });
      expect(i.total.amount).toBe(i.principal.amount + i.interest.amount + i.fees.amount);
    }
    // 24% a year is 2% a month: the first installment's interest is 2% of 100,000.00.
    expect(schedule[0]).toMatchObject({ interest: { amount: 200_000 }, total: { amount: 1_785_258 } });
    expect(schedule.reduce((s, i) => s + i.principal.amount, 0)).toBe(10_000_000);
    // Projected from the tenant's today (the clock has not moved).
    const now = gw.clock.now();
    expect(schedule.map((i) => i.dueDate)).toEqual([1, 2, 3, 4, 5, 6].map((k) => monthsAfter(now, k)));
  });

  it('after disbursement: due dates a month apart from the disbursement date; principal parts sum to the principal', async () => {
    const p = await gw.createPartner();
    const { loanId } = await pendingLoan(p);
    await advanceClock(gw, p, 3 * DAY);
    const loan = await disburseLoan(gw, p, loanId);
    const disbursedAt = new Date(loan.disbursedAt as string);
    expect(disbursedAt.getTime()).toBe(gw.clock.now().getTime() + 3 * DAY * 1000);
    const schedule = await scheduleOf(p, loanId);
    expect(schedule).toHaveLength(6);
    expect(schedule.map((i) => i.dueDate)).toEqual([1, 2, 3, 4, 5, 6].map((k) => monthsAfter(disbursedAt, k)));
    expect(schedule.reduce((s, i) => s + i.principal.amount, 0)).toBe(10_000_000);
    expect(schedule.every((i) => i.status === 'upcoming' && i.paid.amount === 0)).toBe(true);
    // Equal installments: every one but the last totals the quoted payment.
    expect(new Set(schedule.slice(0, 5).map((i) => i.total.amount))).toEqual(new Set([1_785_258]));
    expect(loan.nextDueDate).toBe(schedule[0]?.dueDate);
  });
});

describe('loans: disbursement', () => {
  it('the platform disburses: loan active, wallet credited principal less the fee, a disbursement transaction, loan.disbursed', async () => {
    const p = await gw.createPartner();
    const { loanId } = await pendingLoan(p);
    const headers = idempotencyHeader();
    const res = await gw.request('POST', `/v1/loans/${loanId}/disburse`, platformFor(p, headers));
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(res.body).toMatchObject({ id: loanId, status: 'active', daysPastDue: 0, delinquencyBucket: 'current' });
    expect(res.body.disbursedAt).toBe(gw.clock.now().toISOString());

    const schedule = await scheduleOf(p, loanId);
    const scheduleTotal = schedule.reduce((s, i) => s + i.total.amount, 0);
    expect(res.body.outstanding).toEqual({
      principal: { amount: 10_000_000, currency: 'NGN' },
      interest: { amount: scheduleTotal - 10_000_000, currency: 'NGN' },
      fees: { amount: 0, currency: 'NGN' },
      total: { amount: scheduleTotal, currency: 'NGN' },
    });
    expect(await getLoan(p, loanId)).toEqual(res.body);

    const wallets = await gw.request('GET', '/v1/wallets', { key: p.key });
    expect(wallets.body.data).toHaveLength(1);
    const wallet = wallets.body.data[0];
    expect(wallet).toMatchObject({ currency: 'NGN', available: { amount: 10_000_000 - 100_000, currency: 'NGN' } });
    const txns = await gw.request('GET', `/v1/wallets/${wallet.id}/transactions`, { key: p.key });
    expect(txns.body.data).toHaveLength(1);
    expect(txns.body.data[0]).toMatchObject({ type: 'disbursement', amount: { amount: 9_900_000, currency: 'NGN' } });

    const events = await gw.request('GET', '/v1/events?type=loan.*', { key: p.key });
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual(['loan.disbursed']);
    expect(events.body.data[0].data.object).toMatchObject({ id: loanId, status: 'active' });
    expect(events.body.data[0].data.previousAttributes).toMatchObject({ status: 'pending_disbursement' });
    expect(events.body.data[0].request.idempotencyKey).toBe(headers['idempotency-key']);
  });

  it('a replay with the same Idempotency-Key returns the same response and credits nothing twice', async () => {
    const p = await gw.createPartner();
    const { loanId } = await pendingLoan(p);
    const options = platformFor(p, idempotencyHeader());
    const first = await gw.request('POST', `/v1/loans/${loanId}/disburse`, options);
    expect(first.status).toBe(200);
    const again = await gw.request('POST', `/v1/loans/${loanId}/disburse`, options);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);

    const wallet = (await gw.request('GET', '/v1/wallets', { key: p.key })).body.data[0];
    expect(wallet.available.amount).toBe(9_900_000);
    const txns = await gw.request('GET', `/v1/wallets/${wallet.id}/transactions`, { key: p.key });
    expect(txns.body.data.map((t: { type: string }) => t.type)).toEqual(['disbursement']);
    expect(await eventTypes(p, 'loan.*')).toEqual(['loan.disbursed']);
  });
});

describe('loans: repayments', () => {
  it('records a manual repayment (201) and lists and retrieves it', async () => {
    const p = await gw.createPartner();
    const { loanId } = await activeLoan(gw, p);
    const headers = idempotencyHeader();
    const res = await gw.request('POST', `/v1/loans/${loanId}/repayments`, {
      key: p.key,
      headers,
      body: { amount: 500_000, currency: 'NGN' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      object: 'repayment',
      loanId,
      amount: { amount: 500_000, currency: 'NGN' },
      source: 'manual',
      mandateId: null,
      status: 'succeeded',
      allocation: {
        fees: { amount: 0, currency: 'NGN' },
        interest: { amount: 200_000, currency: 'NGN' },
        principal: { amount: 300_000, currency: 'NGN' },
      },
      failureCode: null,
      failureMessage: null,
      livemode: false,
    });
    expect(res.body.id).toMatch(/^rpy_[0-9a-z]{26}$/);
    const second = await repay(p, loanId, 100_000);

    const listed = await gw.request('GET', `/v1/loans/${loanId}/repayments`, { key: p.key });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([second.id, res.body.id]);
    const page = await gw.request('GET', `/v1/loans/${loanId}/repayments?limit=1`, { key: p.key });
    expect(page.body).toMatchObject({ hasMore: true });
    expect(page.body.data.map((r: { id: string }) => r.id)).toEqual([second.id]);

    const one = await gw.request('GET', `/v1/repayments/${res.body.id}`, { key: p.key });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(res.body);

    const events = await gw.request('GET', '/v1/events?type=repayment.*', { key: p.key });
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual([
      'repayment.succeeded',
      'repayment.succeeded',
    ]);
    expect(events.body.data[1].data.object).toEqual(res.body);
    expect(events.body.data[1].request.idempotencyKey).toBe(headers['idempotency-key']);

    // Another loan's repayments are not listed under this one.
    const other = await activeLoan(gw, p);
    const none = await gw.request('GET', `/v1/loans/${other.loanId}/repayments`, { key: p.key });
    expect(none.body.data).toEqual([]);
  });

  it('a replayed repayment returns the same repayment and settles nothing twice', async () => {
    const p = await gw.createPartner();
    const { loanId, loan } = await activeLoan(gw, p);
    const total = (loan.outstanding as { total: { amount: number } }).total.amount;
    const options = { key: p.key, headers: idempotencyHeader(), body: { amount: 250_000 } };
    const first = await gw.request('POST', `/v1/loans/${loanId}/repayments`, options);
    const again = await gw.request('POST', `/v1/loans/${loanId}/repayments`, options);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await getLoan(p, loanId)).outstanding.total.amount).toBe(total - 250_000);
    expect((await gw.request('GET', `/v1/loans/${loanId}/repayments`, { key: p.key })).body.data).toHaveLength(1);
  });

  describe('allocation: fees, then interest, then principal, oldest installment first', () => {
    it('a payment smaller than the first installment’s interest goes to interest only', async () => {
      const p = await gw.createPartner();
      const { loanId } = await activeLoan(gw, p);
      const before = await getLoan(p, loanId);
      const r = await repay(p, loanId, 50_000);
      expect(r.allocation).toEqual({
        fees: { amount: 0, currency: 'NGN' },
        interest: { amount: 50_000, currency: 'NGN' },
        principal: { amount: 0, currency: 'NGN' },
      });
      const [first, second] = await scheduleOf(p, loanId);
      expect(first).toMatchObject({ status: 'partially_paid', paid: { amount: 50_000 } });
      expect(second).toMatchObject({ status: 'upcoming', paid: { amount: 0 } });
      const after = await getLoan(p, loanId);
      expect(after.outstanding.interest.amount).toBe(before.outstanding.interest.amount - 50_000);
      expect(after.outstanding.principal.amount).toBe(10_000_000);
      expect(after.outstanding.total.amount).toBe(before.outstanding.total.amount - 50_000);
      expect(after.status).toBe('active');
      expect(after.nextDueDate).toBe(first?.dueDate);
    });

    it('exactly the first installment pays it in full: its interest, then its principal', async () => {
      const p = await gw.createPartner();
      const { loanId } = await activeLoan(gw, p);
      const [inst1] = await scheduleOf(p, loanId);
      const r = await repay(p, loanId, inst1!.total.amount);
      expect(r.allocation).toMatchObject({
        fees: { amount: 0 },
        interest: { amount: inst1!.interest.amount },
        principal: { amount: inst1!.principal.amount },
      });
      const schedule = await scheduleOf(p, loanId);
      expect(schedule[0]).toMatchObject({ status: 'paid', paid: { amount: inst1!.total.amount } });
      expect(schedule.slice(1).every((i) => i.status === 'upcoming' && i.paid.amount === 0)).toBe(true);
      const loan = await getLoan(p, loanId);
      expect(loan.outstanding.principal.amount).toBe(10_000_000 - inst1!.principal.amount);
      expect(loan.nextDueDate).toBe(schedule[1]?.dueDate);
    });

    it('a payment spanning installments 1 and 2 pays the first in full and the second’s interest first', async () => {
      const p = await gw.createPartner();
      const { loanId } = await activeLoan(gw, p);
      const [inst1, inst2] = await scheduleOf(p, loanId);
      const extra = inst2!.interest.amount + 10_000;
      const r = await repay(p, loanId, inst1!.total.amount + extra);
      expect(r.allocation).toMatchObject({
        fees: { amount: 0 },
        interest: { amount: inst1!.interest.amount + inst2!.interest.amount },
        principal: { amount: inst1!.principal.amount + 10_000 },
      });
      const schedule = await scheduleOf(p, loanId);
      expect(schedule[0]).toMatchObject({ status: 'paid', paid: { amount: inst1!.total.amount } });
      expect(schedule[1]).toMatchObject({ status: 'partially_paid', paid: { amount: extra } });
      expect(schedule[2]).toMatchObject({ status: 'upcoming', paid: { amount: 0 } });
      expect((await getLoan(p, loanId)).nextDueDate).toBe(schedule[1]?.dueDate);
    });

    it('the final payment pays the loan off: repayment.succeeded, then loan.paid_off', async () => {
      const p = await gw.createPartner();
      const { loanId } = await activeLoan(gw, p);
      const schedule = await scheduleOf(p, loanId);
      const total = schedule.reduce((s, i) => s + i.total.amount, 0);
      const interest = schedule.reduce((s, i) => s + i.interest.amount, 0);
      const part = await repay(p, loanId, 1_000_000);
      const final = await repay(p, loanId, total - 1_000_000);
      expect(part.allocation.interest.amount + final.allocation.interest.amount).toBe(interest);
      expect(part.allocation.principal.amount + final.allocation.principal.amount).toBe(10_000_000);

      const loan = await getLoan(p, loanId);
      expect(loan).toMatchObject({
        status: 'paid_off',
        nextDueDate: null,
        daysPastDue: 0,
        delinquencyBucket: 'current',
      });
      expect(loan.outstanding.total.amount).toBe(0);
      const after = await scheduleOf(p, loanId);
      expect(after.every((i) => i.status === 'paid' && i.paid.amount === i.total.amount)).toBe(true);

      const types = await eventTypes(p);
      const tail = types.filter((t) => t.startsWith('loan.') || t.startsWith('repayment.')).slice(-3);
      expect(tail).toEqual(['repayment.succeeded', 'repayment.succeeded', 'loan.paid_off']);
      const paidOff = (await gw.request('GET', '/v1/events?type=loan.paid_off', { key: p.key })).body.data;
      expect(paidOff).toHaveLength(1);
      expect(paidOff[0].data.object).toMatchObject({ id: loanId, status: 'paid_off' });
      expect(paidOff[0].data.previousAttributes).toEqual({ status: 'active' });
      const listed = await gw.request('GET', '/v1/loans?status=paid_off', { key: p.key });
      expect(listed.body.data.map((l: { id: string }) => l.id)).toEqual([loanId]);
    });
  });
});

describe('loans: write-off', () => {
  it('the platform writes an active loan off (loan.written_off) and the outstanding amounts remain', async () => {
    const p = await gw.createPartner();
    const { loanId } = await activeLoan(gw, p);
    await repay(p, loanId, 300_000);
    const before = await getLoan(p, loanId);
    const res = await gw.request('POST', `/v1/loans/${loanId}/write-off`, platformFor(p));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: loanId, status: 'written_off' });
    expect(res.body.outstanding).toEqual(before.outstanding);
    expect((await getLoan(p, loanId)).status).toBe('written_off');
    const events = await gw.request('GET', '/v1/events?type=loan.written_off', { key: p.key });
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0].data.object).toMatchObject({ id: loanId, status: 'written_off' });
    expect(events.body.data[0].data.previousAttributes).toEqual({ status: 'active' });
    const listed = await gw.request('GET', '/v1/loans?status=written_off', { key: p.key });
    expect(listed.body.data.map((l: { id: string }) => l.id)).toEqual([loanId]);
  });
});

describe('loans: delinquency through the test clock (no mandate)', () => {
  it('overdue after the due date, days past due and buckets grow, and paying what is due makes it current', async () => {
    const p = await gw.createPartner();
    const { loanId, loan } = await activeLoan(gw, p);
    const disbursedAt = new Date(loan.disbursedAt as string);
    const [inst1] = await scheduleOf(p, loanId);
    expect(inst1!.dueDate).toBe(monthsAfter(disbursedAt, 1));

    // To noon of the fifth day after the first due date.
    const target = Date.parse(`${inst1!.dueDate}T12:00:00Z`) + 5 * DAY * 1000;
    const now = await advanceClock(gw, p, (target - disbursedAt.getTime()) / 1000);
    expect(now.getTime()).toBe(target);

    let schedule = await scheduleOf(p, loanId);
    expect(schedule[0]).toMatchObject({ status: 'overdue', paid: { amount: 0 } });
    expect(schedule.slice(1).every((i) => i.status === 'upcoming')).toBe(true);
    let current = await getLoan(p, loanId);
    expect(current).toMatchObject({ status: 'active', daysPastDue: 5, delinquencyBucket: '1_30' });
    expect(current.nextDueDate).toBe(inst1!.dueDate);
    const overdue = await gw.request('GET', '/v1/events?type=loan.overdue', { key: p.key });
    expect(overdue.body.data).toHaveLength(1);
    expect(overdue.body.data[0].data.object).toMatchObject({ id: loanId, status: 'active' });
    expect(overdue.body.data[0].data.object.daysPastDue).toBeGreaterThanOrEqual(1);
    // The reminder went out before the due date.
    const upcoming = await gw.request('GET', '/v1/events?type=repayment.upcoming', { key: p.key });
    expect(
      upcoming.body.data.map(
        (e: { data: { object: { installmentNumber: number } } }) => e.data.object.installmentNumber,
      ),
    ).toContain(1);

    await advanceClock(gw, p, 30 * DAY);
    current = await getLoan(p, loanId);
    expect(current).toMatchObject({ daysPastDue: 35, delinquencyBucket: '31_60' });
    schedule = await scheduleOf(p, loanId);
    const today = new Date(target + 30 * DAY * 1000).toISOString().slice(0, 10);
    const late = schedule.filter((i) => i.dueDate < today);
    expect(late.map((i) => i.number)).toEqual([1, 2]);
    expect(late.every((i) => i.status === 'overdue')).toBe(true);
    // One loan.overdue per installment that went overdue, never repeated.
    expect((await gw.request('GET', '/v1/events?type=loan.overdue', { key: p.key })).body.data).toHaveLength(2);

    const due = late.reduce((s, i) => s + i.total.amount - i.paid.amount, 0);
    const r = await repay(p, loanId, due);
    expect(r.status).toBe('succeeded');
    current = await getLoan(p, loanId);
    expect(current).toMatchObject({ status: 'active', daysPastDue: 0, delinquencyBucket: 'current' });
    expect(current.nextDueDate).toBe(schedule[2]?.dueDate);
    schedule = await scheduleOf(p, loanId);
    expect(schedule.map((i) => i.status)).toEqual(['paid', 'paid', 'upcoming', 'upcoming', 'upcoming', 'upcoming']);

    // A day later it is still current: the scheduler does not bring the delinquency back.
    await advanceClock(gw, p, DAY);
    expect(await getLoan(p, loanId)).toMatchObject({ daysPastDue: 0, delinquencyBucket: 'current' });
  });
});

describe('loans: partial payment of an overdue installment', () => {
  it('leaves it overdue and the loan late until its last minor unit is paid', async () => {
    const p = await gw.createPartner();
    const { loanId, loan } = await activeLoan(gw, p);
    const [inst1] = await scheduleOf(p, loanId);
    const target = Date.parse(`${inst1!.dueDate}T12:00:00Z`) + 2 * DAY * 1000;
    await advanceClock(gw, p, (target - Date.parse(loan.disbursedAt as string)) / 1000);
    expect(await getLoan(p, loanId)).toMatchObject({ daysPastDue: 2, delinquencyBucket: '1_30' });

    await repay(p, loanId, inst1!.total.amount - 1);
    expect((await scheduleOf(p, loanId))[0]).toMatchObject({
      status: 'overdue',
      paid: { amount: inst1!.total.amount - 1 },
    });
    expect(await getLoan(p, loanId)).toMatchObject({ daysPastDue: 2, delinquencyBucket: '1_30' });
    await advanceClock(gw, p, DAY);
    expect(await getLoan(p, loanId)).toMatchObject({ daysPastDue: 3, delinquencyBucket: '1_30' });

    await repay(p, loanId, 1);
    expect((await scheduleOf(p, loanId))[0]).toMatchObject({ status: 'paid' });
    expect(await getLoan(p, loanId)).toMatchObject({ status: 'active', daysPastDue: 0, delinquencyBucket: 'current' });
    expect((await gw.request('GET', '/v1/events?type=loan.overdue', { key: p.key })).body.data).toHaveLength(1);
  });
});

describe('ledger invariant', () => {
  it('for every currency the ledger accounts sum to zero after all the lending above', async () => {
    const rows = rowsOf<{ currency: string; total: string | number; accounts: string | number }>(
      await gw.services.ctx.db.execute(
        'select currency, sum(balance) as total, count(*) as accounts from ledger_accounts group by currency',
      ),
    );
    expect(rows.map((r) => r.currency)).toContain('NGN');
    const moved = rowsOf<{ n: string | number }>(
      await gw.services.ctx.db.execute('select count(*) as n from ledger_accounts where balance <> 0'),
    );
    expect(Number(moved[0]?.n)).toBeGreaterThan(3);
    for (const row of rows) {
      expect(Number(row.accounts)).toBeGreaterThan(1);
      expect(Number(row.total), row.currency).toBe(0);
    }
  });
});
