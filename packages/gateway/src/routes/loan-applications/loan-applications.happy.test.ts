import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import {
  acceptOffer,
  advanceClock,
  approveApplication,
  createCustomer,
  DEFAULT_OFFER,
  disburseLoan,
  platformFor,
  submitApplication,
} from '../../../test/support/lending.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const DAY_MS = 86_400_000;

/** The partner's events of `type` (exact or `prefix.*`), newest first. */
async function eventsOf(p: Partner, type: string) {
  const res = await gw.request('GET', `/v1/events?type=${type}&limit=100`, { key: p.key });
  expect(res.status).toBe(200);
  return res.body.data as Array<{
    type: string;
    data: { object: Record<string, unknown>; previousAttributes?: Record<string, unknown> };
    request: { id: string } | null;
  }>;
}

describe('loan applications: submit, list, get', () => {
  it('POST /v1/loan-applications submits an application (201) with the §7 shape and emits loan_application.submitted', async () => {
    const p = await gw.createPartner();
    const customer = await createCustomer(gw, p);
    const res = await gw.request('POST', '/v1/loan-applications', {
      key: p.key,
      body: {
        customerId: customer.id,
        amount: { amount: 10_000_000, currency: 'NGN' },
        termMonths: 6,
        purpose: '  Inventory for the shop  ',
        metadata: { ref: 'A-1' },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^lap_[0-9a-z]{26}$/),
      object: 'loan_application',
      customerId: customer.id,
      amount: { amount: 10_000_000, currency: 'NGN' },
      termMonths: 6,
      purpose: 'Inventory for the shop',
      status: 'submitted',
      rejectionReason: null,
      offerId: null,
      metadata: { ref: 'A-1' },
      livemode: false,
      createdAt: gw.clock.now().toISOString(),
      updatedAt: gw.clock.now().toISOString(),
    });
    expect(res.body).not.toHaveProperty('offer');

    const events = await eventsOf(p, 'loan_application.*');
    expect(events.map((e) => e.type)).toEqual(['loan_application.submitted']);
    expect(events[0]!.data.object).toEqual(res.body);
    expect(events[0]!.request?.id).toMatch(/^req_/);
  });

  it('accepts the product limits at both ends (100,000 minor units for 1 month; 5,000,000,000 for 60)', async () => {
    const p = await gw.createPartner();
    const low = await submitApplication(gw, p, { amount: { amount: 100_000, currency: 'NGN' }, termMonths: 1 });
    expect(low).toMatchObject({ amount: { amount: 100_000 }, termMonths: 1, status: 'submitted' });
    const high = await submitApplication(gw, p, {
      amount: { amount: 5_000_000_000, currency: 'NGN' },
      termMonths: 60,
    });
    expect(high).toMatchObject({ amount: { amount: 5_000_000_000 }, termMonths: 60, status: 'submitted' });
  });

  it('the same Idempotency-Key and body replays the first response and submits once', async () => {
    const p = await gw.createPartner();
    const customer = await createCustomer(gw, p);
    const headers = { 'idempotency-key': `apply-${customer.id}` };
    const body = {
      customerId: customer.id,
      amount: { amount: 10_000_000, currency: 'NGN' },
      termMonths: 6,
      purpose: 'Stock',
    };
    const first = await gw.request('POST', '/v1/loan-applications', { key: p.key, headers, body });
    expect(first.status).toBe(201);
    const again = await gw.request('POST', '/v1/loan-applications', { key: p.key, headers, body });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const list = await gw.request('GET', '/v1/loan-applications', { key: p.key });
    expect(list.body.data.map((a: { id: string }) => a.id)).toEqual([first.body.id]);
    expect(await eventsOf(p, 'loan_application.submitted')).toHaveLength(1);
  });

  it('GET /v1/loan-applications/{id} returns the application as created', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    const res = await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: p.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(app);
  });

  it('GET /v1/loan-applications lists newest first, filters by customerId and status, and paginates', async () => {
    const p = await gw.createPartner();
    const c1 = await createCustomer(gw, p, 'First');
    const c2 = await createCustomer(gw, p, 'Second');
    const ids: string[] = [];
    for (const customerId of [c1.id, c2.id, c1.id, c2.id, c1.id]) {
      ids.push((await submitApplication(gw, p, { customerId })).id);
    }
    const newestFirst = [...ids].reverse();
    // One of c1's is withdrawn, one of c2's approved.
    expect((await gw.request('POST', `/v1/loan-applications/${ids[2]}/withdraw`, { key: p.key })).status).toBe(200);
    await approveApplication(gw, p, ids[1]!);

    const all = await gw.request('GET', '/v1/loan-applications', { key: p.key });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ object: 'list', hasMore: false, nextCursor: null });
    expect(all.body.data.map((a: { id: string }) => a.id)).toEqual(newestFirst);

    const ofC1 = await gw.request('GET', `/v1/loan-applications?customerId=${c1.id}`, { key: p.key });
    expect(ofC1.body.data.map((a: { id: string }) => a.id)).toEqual([ids[4], ids[2], ids[0]]);

    const submitted = await gw.request('GET', '/v1/loan-applications?status=submitted', { key: p.key });
    expect(submitted.body.data.map((a: { id: string }) => a.id)).toEqual([ids[4], ids[3], ids[0]]);
    const withdrawnOfC1 = await gw.request('GET', `/v1/loan-applications?customerId=${c1.id}&status=withdrawn`, {
      key: p.key,
    });
    expect(withdrawnOfC1.body.data.map((a: { id: string }) => a.id)).toEqual([ids[2]]);
    const approvedOfC1 = await gw.request('GET', `/v1/loan-applications?customerId=${c1.id}&status=approved`, {
      key: p.key,
    });
    expect(approvedOfC1.body.data).toEqual([]);
    const approved = await gw.request('GET', '/v1/loan-applications?status=approved', { key: p.key });
    expect(approved.body.data).toHaveLength(1);
    expect(approved.body.data[0]).toMatchObject({ id: ids[1], status: 'approved', offerId: expect.any(String) });
    // Lists never include the offer object (only approve's response does).
    expect(approved.body.data[0]).not.toHaveProperty('offer');

    const page1 = await gw.request('GET', '/v1/loan-applications?limit=2', { key: p.key });
    expect(page1.body.data.map((a: { id: string }) => a.id)).toEqual(newestFirst.slice(0, 2));
    expect(page1.body).toMatchObject({ hasMore: true, nextCursor: newestFirst[1] });
    const page2 = await gw.request('GET', `/v1/loan-applications?limit=2&startingAfter=${page1.body.nextCursor}`, {
      key: p.key,
    });
    expect(page2.body.data.map((a: { id: string }) => a.id)).toEqual(newestFirst.slice(2, 4));
    expect(page2.body.hasMore).toBe(true);
    const page3 = await gw.request('GET', `/v1/loan-applications?limit=2&startingAfter=${page2.body.nextCursor}`, {
      key: p.key,
    });
    expect(page3.body.data.map((a: { id: string }) => a.id)).toEqual(newestFirst.slice(4));
    expect(page3.body).toMatchObject({ hasMore: false, nextCursor: null });
  });
});

describe('loan applications: withdraw, approve, reject', () => {
  it('POST …/withdraw moves a submitted application to withdrawn and emits loan_application.withdrawn', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    const res = await gw.request('POST', `/v1/loan-applications/${app.id}/withdraw`, { key: p.key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: app.id, object: 'loan_application', status: 'withdrawn', offerId: null });
    expect((await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: p.key })).body.status).toBe('withdrawn');
    const events = await eventsOf(p, 'loan_application.withdrawn');
    expect(events).toHaveLength(1);
    expect(events[0]!.data.object).toMatchObject({ id: app.id, status: 'withdrawn' });
    expect(events[0]!.data.previousAttributes).toEqual({ status: 'submitted' });
  });

  it('POST …/approve (platform) prices the offer: 100,000.00 NGN at 2400 bps over 6 months → 17,852.58 a month', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    const res = await gw.request('POST', `/v1/loan-applications/${app.id}/approve`, {
      ...platformFor(p),
      body: { offer: { ...DEFAULT_OFFER, originationFeeBps: 150 } },
    });
    expect(res.status).toBe(200);
    const offer = res.body.offer;
    expect(res.body).toMatchObject({
      id: app.id,
      object: 'loan_application',
      status: 'approved',
      offerId: offer.id,
      rejectionReason: null,
    });
    expect(offer).toEqual({
      id: expect.stringMatching(/^lof_[0-9a-z]{26}$/),
      object: 'loan_offer',
      applicationId: app.id,
      customerId: app.customerId,
      principal: { amount: 10_000_000, currency: 'NGN' },
      annualInterestRateBps: 2400,
      termMonths: 6,
      amortization: 'equal_installments',
      originationFee: { amount: 150_000, currency: 'NGN' },
      installmentAmount: { amount: 1_785_258, currency: 'NGN' },
      totalRepayable: { amount: expect.any(Number), currency: 'NGN' },
      status: 'open',
      expiresAt: new Date(gw.clock.now().getTime() + 7 * DAY_MS).toISOString(),
      loanId: null,
      livemode: false,
      createdAt: gw.clock.now().toISOString(),
      updatedAt: gw.clock.now().toISOString(),
    });
    // Six installments of 17,852.58; rounding goes to the last one, so the total is within 6 kobo.
    expect(Math.abs(offer.totalRepayable.amount - 6 * 1_785_258)).toBeLessThanOrEqual(6);
    expect(offer.totalRepayable.amount).toBeGreaterThan(10_000_000);

    const got = await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: p.key });
    expect(got.body).toMatchObject({ status: 'approved', offerId: offer.id });
    expect(got.body).not.toHaveProperty('offer');

    const events = await eventsOf(p, '*');
    const lending = events.filter((e) => e.type.startsWith('loan'));
    expect(lending.map((e) => e.type)).toEqual([
      'loan_offer.created',
      'loan_application.approved',
      'loan_application.submitted',
    ]);
    expect(lending[0]!.data.object).toEqual(offer);
    expect(lending[1]!.data.object).toMatchObject({ id: app.id, status: 'approved', offerId: offer.id });
    expect(lending[1]!.data.previousAttributes).toEqual({ status: 'submitted', offerId: null });
  });

  it('flat amortization and no fee: fee 0, interest on the original principal, quoted as the schedule charges it', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    const { originationFeeBps: _omit, ...noFee } = DEFAULT_OFFER;
    const res = await gw.request('POST', `/v1/loan-applications/${app.id}/approve`, {
      ...platformFor(p),
      body: { offer: { ...noFee, amortization: 'flat' } },
    });
    expect(res.status).toBe(200);
    // Flat: 10,000,000 × 24% × 6/12 = 1,200,000 interest. Each installment but the last is
    // ⌊10,000,000/6⌋ + ⌊1,200,000/6⌋ = 1,666,666 + 200,000; the last takes the remainders.
    expect(res.body.offer).toMatchObject({
      amortization: 'flat',
      originationFee: { amount: 0, currency: 'NGN' },
      totalRepayable: { amount: 11_200_000 },
      installmentAmount: { amount: 1_866_666 },
    });
    // The amount quoted on the offer is what the disbursed loan's schedule charges each month.
    const accepted = await acceptOffer(gw, p, res.body.offerId);
    await disburseLoan(gw, p, accepted.loanId);
    const schedule = await gw.request('GET', `/v1/loans/${accepted.loanId}/schedule`, { key: p.key });
    expect(schedule.status).toBe(200);
    const totals = schedule.body.data.map((i: { total: { amount: number } }) => i.total.amount);
    expect(totals).toEqual([1_866_666, 1_866_666, 1_866_666, 1_866_666, 1_866_666, 1_866_670]);
  });

  it('equal installments: the quoted installmentAmount and totalRepayable match the disbursed schedule', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    const approved = await approveApplication(gw, p, app.id);
    const accepted = await acceptOffer(gw, p, approved.offerId);
    await disburseLoan(gw, p, accepted.loanId);
    const schedule = await gw.request('GET', `/v1/loans/${accepted.loanId}/schedule`, { key: p.key });
    const totals: number[] = schedule.body.data.map((i: { total: { amount: number } }) => i.total.amount);
    expect(totals).toHaveLength(6);
    expect(totals.slice(0, 5)).toEqual(Array(5).fill(approved.offer.installmentAmount.amount));
    expect(totals.reduce((a, b) => a + b, 0)).toBe(approved.offer.totalRepayable.amount);
  });

  it('the default expiry is 7 days after the tenant’s test clock, not the real clock', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    const tenantNow = await advanceClock(gw, p, 3 * 86_400);
    expect(tenantNow.getTime()).toBe(gw.clock.now().getTime() + 3 * DAY_MS);
    const approved = await approveApplication(gw, p, app.id);
    expect(approved.offer.expiresAt).toBe(new Date(tenantNow.getTime() + 7 * DAY_MS).toISOString());
  });

  it('an explicit expiresAt (with an offset) is stored as UTC', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    const at = new Date(gw.clock.now().getTime() + 2 * DAY_MS);
    const withOffset = `${at.toISOString().slice(0, 19)}+01:00`;
    const approved = await approveApplication(gw, p, app.id, { expiresAt: withOffset });
    expect(approved.offer.expiresAt).toBe(new Date(at.getTime() - 3_600_000).toISOString());
  });

  it('the offer may differ from the request (amount and term) within the limits', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    const approved = await approveApplication(gw, p, app.id, {
      principal: { amount: 5_000_000, currency: 'NGN' },
      termMonths: 3,
    });
    expect(approved.offer).toMatchObject({ principal: { amount: 5_000_000 }, termMonths: 3 });
    expect(approved).toMatchObject({ amount: { amount: 10_000_000 }, termMonths: 6 });
  });

  it('POST …/reject (platform) stores the reason and emits loan_application.rejected', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    const res = await gw.request('POST', `/v1/loan-applications/${app.id}/reject`, {
      ...platformFor(p),
      body: { reason: '  Not enough trading history  ' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: app.id,
      status: 'rejected',
      rejectionReason: 'Not enough trading history',
      offerId: null,
    });
    expect((await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: p.key })).body).toEqual(res.body);
    const events = await eventsOf(p, 'loan_application.rejected');
    expect(events).toHaveLength(1);
    expect(events[0]!.data.object).toEqual(res.body);
    expect(events[0]!.data.previousAttributes).toEqual({ status: 'submitted', rejectionReason: null });
    expect(await eventsOf(p, 'loan_offer.*')).toEqual([]);
  });

  it('the platform acting for the partner sees the partner’s applications', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    const res = await gw.request('GET', '/v1/loan-applications', platformFor(p));
    expect(res.status).toBe(200);
    expect(res.body.data.map((a: { id: string }) => a.id)).toEqual([app.id]);
  });
});
