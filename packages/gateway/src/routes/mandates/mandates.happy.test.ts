import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { activeLoan, advanceClock, createCustomer } from '../../../test/support/lending.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const DAY = 86_400;

/** A mandate body for `customerId` whose account number ends in `last4` (the rail's magic values). */
function mandateBody(customerId: string, last4 = '1234') {
  return { customerId, bankCode: '058', accountNumber: `987654${last4}`, accountName: 'Ada Obi' };
}

async function createMandate(p: Partner, customerId: string, last4 = '1234') {
  const res = await gw.request('POST', '/v1/mandates', { key: p.key, body: mandateBody(customerId, last4) });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; status: string; [k: string]: unknown };
}

/** A partner with a customer whose mandate (ending in `last4`) has been answered by the rail. */
async function settledMandate(last4 = '1234') {
  const p = await gw.createPartner();
  const customer = await createCustomer(gw, p);
  const mandate = await createMandate(p, customer.id, last4);
  await advanceClock(gw, p, 1);
  const got = await gw.request('GET', `/v1/mandates/${mandate.id}`, { key: p.key });
  expect(got.status).toBe(200);
  return { p, customer, mandate: got.body };
}

async function events(p: Partner, type: string) {
  const res = await gw.request('GET', `/v1/events?type=${type}&limit=100`, { key: p.key });
  expect(res.status).toBe(200);
  return (res.body.data as { type: string; data: { object: any } }[]).reverse();
}

/** Advances the partner's clock to 00:00 UTC of `date` (YYYY-MM-DD), from `now`; returns the new time. */
async function advanceTo(p: Partner, now: Date, date: string): Promise<Date> {
  const seconds = Math.round((Date.parse(`${date}T00:00:00Z`) - now.getTime()) / 1000);
  expect(seconds).toBeGreaterThan(0);
  return advanceClock(gw, p, seconds);
}

describe('mandates: create, activation and failure', () => {
  it('POST /v1/mandates creates a pending mandate showing only the last four digits', async () => {
    const p = await gw.createPartner();
    const customer = await createCustomer(gw, p);
    const logsBefore = gw.logs.length;
    const res = await gw.request('POST', '/v1/mandates', {
      key: p.key,
      body: { customerId: customer.id, bankCode: '058', accountNumber: '4455667781', accountName: 'Ada Obi' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: 'mandate',
      customerId: customer.id,
      status: 'pending',
      bankAccount: { bankCode: '058', last4: '7781', accountName: 'Ada Obi' },
      currency: 'NGN',
      failureCode: null,
      failureMessage: null,
      livemode: false,
    });
    expect(res.body.id).toMatch(/^mdt_[0-9a-z]{26}$/);
    expect(res.text).not.toContain('4455667781');
    expect(res.body.bankAccount).not.toHaveProperty('accountNumber');
    const newLogs = gw.logs.slice(logsBefore).join('\n');
    expect(newLogs.length).toBeGreaterThan(0);
    expect(newLogs).not.toContain('4455667781');

    const got = await gw.request('GET', `/v1/mandates/${res.body.id}`, { key: p.key });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    expect(got.text).not.toContain('4455667781');
  });

  it('stores the account number encrypted, never in clear', async () => {
    const p = await gw.createPartner();
    const customer = await createCustomer(gw, p);
    const res = await gw.request('POST', '/v1/mandates', {
      key: p.key,
      body: { customerId: customer.id, bankCode: '058', accountNumber: '3141592653', accountName: 'Ada Obi' },
    });
    expect(res.status).toBe(201);
    // The id is checked against its format before it goes into the statement.
    expect(res.body.id).toMatch(/^mdt_[0-9a-z]{26}$/);
    const result = await gw.services.ctx.db.execute(
      `select account_number_encrypted, last4 from mandates where id = '${res.body.id}'`,
    );
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
      account_number_encrypted: string;
      last4: string;
    }[];
    expect(rows).toHaveLength(1);
    const stored = rows[0]!;
    expect(stored.last4).toBe('2653');
    expect(stored.account_number_encrypted.length).toBeGreaterThan(10);
    expect(stored.account_number_encrypted).not.toContain('3141592653');
    expect(stored.account_number_encrypted).not.toContain('314159');
  });

  it('a test clock advance activates a pending mandate (mandate.activated)', async () => {
    const { p, mandate } = await settledMandate('1234');
    expect(mandate).toMatchObject({ status: 'active', failureCode: null, bankAccount: { last4: '1234' } });
    const activated = await events(p, 'mandate.*');
    expect(activated.map((e) => e.type)).toEqual(['mandate.activated']);
    expect(activated[0]!.data.object).toMatchObject({ id: mandate.id, status: 'active' });
    expect(JSON.stringify(activated)).not.toContain('9876541234');
  });

  it('an account ending in 0004 is rejected: failed with mandate_rejected (mandate.failed)', async () => {
    const { p, mandate } = await settledMandate('0004');
    expect(mandate).toMatchObject({ status: 'failed', failureCode: 'mandate_rejected' });
    expect(typeof mandate.failureMessage).toBe('string');
    const failed = await events(p, 'mandate.*');
    expect(failed.map((e) => e.type)).toEqual(['mandate.failed']);
    expect(failed[0]!.data.object).toMatchObject({ id: mandate.id, status: 'failed', failureCode: 'mandate_rejected' });
  });

  it('POST /v1/mandates/{id}/cancel cancels an active mandate (mandate.cancelled)', async () => {
    const { p, mandate } = await settledMandate('1234');
    const res = await gw.request('POST', `/v1/mandates/${mandate.id}/cancel`, { key: p.key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: mandate.id, object: 'mandate', status: 'cancelled' });
    expect((await gw.request('GET', `/v1/mandates/${mandate.id}`, { key: p.key })).body.status).toBe('cancelled');
    const all = await events(p, 'mandate.*');
    expect(all.map((e) => e.type)).toEqual(['mandate.activated', 'mandate.cancelled']);
    expect(all[1]!.data.object).toMatchObject({ id: mandate.id, status: 'cancelled' });
  });
});

describe('mandates: listing', () => {
  it('GET /v1/mandates lists newest first, filters by customerId and paginates', async () => {
    const p = await gw.createPartner();
    const ada = await createCustomer(gw, p, 'Ada');
    const bola = await createCustomer(gw, p, 'Bola');
    const m1 = await createMandate(p, ada.id, '1111');
    const m2 = await createMandate(p, bola.id, '2222');
    const m3 = await createMandate(p, ada.id, '3333');

    const all = await gw.request('GET', '/v1/mandates', { key: p.key });
    expect(all.status).toBe(200);
    expect(all.body.data.map((m: { id: string }) => m.id)).toEqual([m3.id, m2.id, m1.id]);
    expect(all.text).not.toMatch(/987654(1111|2222|3333)/);

    const forAda = await gw.request('GET', `/v1/mandates?customerId=${ada.id}`, { key: p.key });
    expect(forAda.status).toBe(200);
    expect(forAda.body.data.map((m: { id: string }) => m.id)).toEqual([m3.id, m1.id]);

    const page1 = await gw.request('GET', '/v1/mandates?limit=2', { key: p.key });
    expect(page1.body.data.map((m: { id: string }) => m.id)).toEqual([m3.id, m2.id]);
    expect(page1.body.hasMore).toBe(true);
    const page2 = await gw.request('GET', `/v1/mandates?limit=2&startingAfter=${m2.id}`, { key: p.key });
    expect(page2.body.data.map((m: { id: string }) => m.id)).toEqual([m1.id]);
    expect(page2.body.hasMore).toBe(false);
  });
});

describe('mandates: scheduled collections over HTTP', () => {
  /** A partner whose customer has an active mandate ending in `last4` and a disbursed loan. */
  async function loanWithMandate(last4: string) {
    const p = await gw.createPartner();
    const { customerId, loanId } = await activeLoan(gw, p);
    const mandate = await createMandate(p, customerId, last4);
    const now = await advanceClock(gw, p, 1);
    expect((await gw.request('GET', `/v1/mandates/${mandate.id}`, { key: p.key })).body.status).toBe('active');
    const schedule = await gw.request('GET', `/v1/loans/${loanId}/schedule`, { key: p.key });
    expect(schedule.status).toBe(200);
    const first = schedule.body.data[0] as { number: number; dueDate: string; total: { amount: number } };
    expect(first.number).toBe(1);
    return { p, customerId, loanId, mandateId: mandate.id, now, first };
  }

  it('0005: the first collection fails with insufficient_funds, the retry a day later succeeds', async () => {
    const { p, loanId, mandateId, now, first } = await loanWithMandate('0005');
    await advanceTo(p, now, first.dueDate);

    const failed = await events(p, 'repayment.*');
    expect(failed.map((e) => e.type)).toEqual(['repayment.upcoming', 'repayment.failed']);
    expect(failed[1]!.data.object).toMatchObject({
      object: 'repayment',
      loanId,
      source: 'mandate',
      mandateId,
      status: 'failed',
      failureCode: 'insufficient_funds',
      amount: { amount: first.total.amount, currency: 'NGN' },
    });
    const sched1 = await gw.request('GET', `/v1/loans/${loanId}/schedule`, { key: p.key });
    expect(sched1.body.data[0].status).not.toBe('paid');

    await advanceClock(gw, p, DAY);
    const after = await events(p, 'repayment.*');
    expect(after.map((e) => e.type)).toEqual(['repayment.upcoming', 'repayment.failed', 'repayment.succeeded']);
    expect(after[2]!.data.object).toMatchObject({
      loanId,
      source: 'mandate',
      mandateId,
      status: 'succeeded',
      failureCode: null,
      amount: { amount: first.total.amount, currency: 'NGN' },
    });
    const sched2 = await gw.request('GET', `/v1/loans/${loanId}/schedule`, { key: p.key });
    expect(sched2.body.data[0]).toMatchObject({ number: 1, status: 'paid', paid: { amount: first.total.amount } });
    expect(sched2.body.data[1].status).toBe('upcoming');

    // Paid on the retry: the loan is current again.
    const loan = await gw.request('GET', `/v1/loans/${loanId}`, { key: p.key });
    expect(loan.body).toMatchObject({ status: 'active', daysPastDue: 0, delinquencyBucket: 'current' });
    const repayments = await gw.request('GET', `/v1/loans/${loanId}/repayments`, { key: p.key });
    expect(repayments.status).toBe(200);
    expect(repayments.body.data.map((r: { status: string }) => r.status).sort()).toEqual(['failed', 'succeeded']);
  });

  it('1234: the collection succeeds on the due date', async () => {
    const { p, loanId, mandateId, now, first } = await loanWithMandate('1234');
    await advanceTo(p, now, first.dueDate);
    const repaid = await events(p, 'repayment.*');
    expect(repaid.map((e) => e.type)).toEqual(['repayment.upcoming', 'repayment.succeeded']);
    expect(repaid[1]!.data.object).toMatchObject({
      loanId,
      source: 'mandate',
      mandateId,
      status: 'succeeded',
      amount: { amount: first.total.amount, currency: 'NGN' },
    });
    const schedule = await gw.request('GET', `/v1/loans/${loanId}/schedule`, { key: p.key });
    expect(schedule.body.data[0]).toMatchObject({ status: 'paid', paid: { amount: first.total.amount } });
    const loan = await gw.request('GET', `/v1/loans/${loanId}`, { key: p.key });
    expect(loan.body).toMatchObject({ status: 'active', nextDueDate: schedule.body.data[1].dueDate });
  });

  it('repayment.upcoming is sent three days before the due date, once', async () => {
    const { p, customerId, loanId, mandateId, now, first } = await loanWithMandate('1234');
    const dueMs = Date.parse(`${first.dueDate}T00:00:00Z`);
    const fourBefore = new Date(dueMs - 4 * DAY * 1000).toISOString().slice(0, 10);
    const threeBefore = new Date(dueMs - 3 * DAY * 1000).toISOString().slice(0, 10);

    let at = await advanceTo(p, now, fourBefore);
    expect(await events(p, 'repayment.upcoming')).toEqual([]);

    at = await advanceTo(p, at, threeBefore);
    const upcoming = await events(p, 'repayment.upcoming');
    expect(upcoming).toHaveLength(1);
    expect(upcoming[0]!.data.object).toEqual({
      object: 'upcoming_repayment',
      loanId,
      customerId,
      installmentNumber: 1,
      dueDate: first.dueDate,
      amountDue: { amount: first.total.amount, currency: 'NGN' },
      mandateId,
      livemode: false,
    });

    // Two more days (still before the due date): no second reminder.
    await advanceClock(gw, p, 2 * DAY);
    expect(await events(p, 'repayment.upcoming')).toHaveLength(1);
    expect(await events(p, 'repayment.succeeded')).toEqual([]);
    expect(at.getTime()).toBeLessThan(dueMs);
  });
});
