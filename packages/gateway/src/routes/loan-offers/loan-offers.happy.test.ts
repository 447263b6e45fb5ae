import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import {
  acceptOffer,
  advanceClock,
  approveApplication,
  createCustomer,
  openOffer,
  platformFor,
  submitApplication,
} from '../../../test/support/lending.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const DAY = 86_400;

/** The partner's events of `type` (exact or `prefix.*`), newest first. */
async function eventsOf(p: Partner, type: string) {
  const res = await gw.request('GET', `/v1/events?type=${type}&limit=100`, { key: p.key });
  expect(res.status).toBe(200);
  return res.body.data as Array<{
    type: string;
    data: { object: Record<string, unknown>; previousAttributes?: Record<string, unknown> };
  }>;
}

describe('loan offers: get and list', () => {
  it('GET /v1/loan-offers/{id} returns the offer approve created (without `loan`)', async () => {
    const p = await gw.createPartner();
    const { offerId, offer } = await openOffer(gw, p);
    const res = await gw.request('GET', `/v1/loan-offers/${offerId}`, { key: p.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(offer);
    expect(res.body).toMatchObject({ object: 'loan_offer', status: 'open', loanId: null });
    expect(res.body).not.toHaveProperty('loan');
  });

  it('GET /v1/loan-offers lists newest first, filters by customerId and status, and paginates', async () => {
    const p = await gw.createPartner();
    const c1 = await createCustomer(gw, p, 'First');
    const c2 = await createCustomer(gw, p, 'Second');
    const ids: string[] = [];
    for (const customerId of [c1.id, c2.id, c1.id]) {
      const app = await submitApplication(gw, p, { customerId });
      ids.push((await approveApplication(gw, p, app.id)).offerId);
    }
    expect((await gw.request('POST', `/v1/loan-offers/${ids[0]}/decline`, { key: p.key })).status).toBe(200);

    const all = await gw.request('GET', '/v1/loan-offers', { key: p.key });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ object: 'list', hasMore: false, nextCursor: null });
    expect(all.body.data.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1], ids[0]]);

    const ofC1 = await gw.request('GET', `/v1/loan-offers?customerId=${c1.id}`, { key: p.key });
    expect(ofC1.body.data.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[0]]);
    const open = await gw.request('GET', '/v1/loan-offers?status=open', { key: p.key });
    expect(open.body.data.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    const declinedOfC2 = await gw.request('GET', `/v1/loan-offers?customerId=${c2.id}&status=declined`, {
      key: p.key,
    });
    expect(declinedOfC2.body.data).toEqual([]);

    const page1 = await gw.request('GET', '/v1/loan-offers?limit=2', { key: p.key });
    expect(page1.body.data.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    expect(page1.body).toMatchObject({ hasMore: true, nextCursor: ids[1] });
    const page2 = await gw.request('GET', `/v1/loan-offers?limit=2&startingAfter=${ids[1]}`, { key: p.key });
    expect(page2.body.data.map((o: { id: string }) => o.id)).toEqual([ids[0]]);
    expect(page2.body).toMatchObject({ hasMore: false, nextCursor: null });
  });
});

describe('loan offers: accept, decline, expire', () => {
  it('POST …/accept returns the offer with loanId and the loan pending_disbursement, and emits loan_offer.accepted', async () => {
    const p = await gw.createPartner();
    const { offerId, offer, applicationId, customerId } = await openOffer(gw, p);
    const res = await gw.request('POST', `/v1/loan-offers/${offerId}/accept`, { key: p.key });
    expect(res.status).toBe(200);
    const { loan, ...accepted } = res.body;
    expect(accepted).toEqual({
      ...offer,
      status: 'accepted',
      loanId: expect.stringMatching(/^loan_[0-9a-z]{26}$/),
      updatedAt: gw.clock.now().toISOString(),
    });
    expect(loan).toMatchObject({
      id: accepted.loanId,
      object: 'loan',
      applicationId,
      offerId,
      customerId,
      principal: { amount: 10_000_000, currency: 'NGN' },
      annualInterestRateBps: 2400,
      termMonths: 6,
      amortization: 'equal_installments',
      originationFee: { amount: 100_000, currency: 'NGN' },
      status: 'pending_disbursement',
      disbursedAt: null,
      nextDueDate: null,
      daysPastDue: 0,
      livemode: false,
    });

    const got = await gw.request('GET', `/v1/loan-offers/${offerId}`, { key: p.key });
    expect(got.body).toEqual(accepted);
    const loanRes = await gw.request('GET', `/v1/loans/${accepted.loanId}`, { key: p.key });
    expect(loanRes.status).toBe(200);
    expect(loanRes.body).toMatchObject({ id: accepted.loanId, status: 'pending_disbursement' });

    const events = await eventsOf(p, 'loan_offer.accepted');
    expect(events).toHaveLength(1);
    expect(events[0]!.data.object).toEqual(accepted);
    expect(events[0]!.data.previousAttributes).toEqual({ status: 'open', loanId: null });
  });

  it('the platform acting for the partner can accept the partner’s offer', async () => {
    const p = await gw.createPartner();
    const { offerId } = await openOffer(gw, p);
    const res = await gw.request('POST', `/v1/loan-offers/${offerId}/accept`, platformFor(p));
    expect(res.status).toBe(200);
    expect(res.body.loan.status).toBe('pending_disbursement');
    const loans = await gw.request('GET', '/v1/loans', { key: p.key });
    expect(loans.body.data.map((l: { id: string }) => l.id)).toEqual([res.body.loanId]);
  });

  it('POST …/decline declines an open offer, emits loan_offer.declined and creates no loan', async () => {
    const p = await gw.createPartner();
    const { offerId } = await openOffer(gw, p);
    const res = await gw.request('POST', `/v1/loan-offers/${offerId}/decline`, { key: p.key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: offerId, status: 'declined', loanId: null });
    expect((await gw.request('GET', `/v1/loan-offers/${offerId}`, { key: p.key })).body).toEqual(res.body);
    const events = await eventsOf(p, 'loan_offer.declined');
    expect(events).toHaveLength(1);
    expect(events[0]!.data.object).toEqual(res.body);
    expect(events[0]!.data.previousAttributes).toEqual({ status: 'open' });
    expect((await gw.request('GET', '/v1/loans', { key: p.key })).body.data).toEqual([]);
  });

  it('an offer expires when the test clock passes expiresAt: status expired, loan_offer.expired, accept then 409', async () => {
    const p = await gw.createPartner();
    const { offerId, offer } = await openOffer(gw, p);

    // Six days on: still open.
    await advanceClock(gw, p, 6 * DAY);
    expect((await gw.request('GET', `/v1/loan-offers/${offerId}`, { key: p.key })).body.status).toBe('open');
    expect(await eventsOf(p, 'loan_offer.expired')).toEqual([]);

    // Eight days in all: past the 7-day expiry.
    await advanceClock(gw, p, 2 * DAY);
    const got = await gw.request('GET', `/v1/loan-offers/${offerId}`, { key: p.key });
    expect(got.body).toMatchObject({ id: offerId, status: 'expired', loanId: null, expiresAt: offer.expiresAt });
    const events = await eventsOf(p, 'loan_offer.expired');
    expect(events).toHaveLength(1);
    expect(events[0]!.data.object).toMatchObject({ id: offerId, status: 'expired' });
    expect(events[0]!.data.previousAttributes).toEqual({ status: 'open' });
    const listed = await gw.request('GET', '/v1/loan-offers?status=expired', { key: p.key });
    expect(listed.body.data.map((o: { id: string }) => o.id)).toEqual([offerId]);

    const accept = await gw.request('POST', `/v1/loan-offers/${offerId}/accept`, { key: p.key });
    expect(accept.status).toBe(409);
    expect(accept.body.code).toBe('state_conflict');
    expect(accept.body.detail).toContain('expired');
    expect((await gw.request('GET', '/v1/loans', { key: p.key })).body.data).toEqual([]);
  });

  it('accepting just before expiry works; the clock of another tenant does not expire this one’s offers', async () => {
    const p = await gw.createPartner();
    const other = await gw.createPartner();
    const { offerId } = await openOffer(gw, p);
    await advanceClock(gw, other, 30 * DAY);
    expect((await gw.request('GET', `/v1/loan-offers/${offerId}`, { key: p.key })).body.status).toBe('open');
    await advanceClock(gw, p, 7 * DAY - 60);
    const accepted = await acceptOffer(gw, p, offerId);
    expect(accepted).toMatchObject({ status: 'accepted', loan: { status: 'pending_disbursement' } });
    // Later clock advances leave an accepted offer alone.
    await advanceClock(gw, p, 2 * DAY);
    expect((await gw.request('GET', `/v1/loan-offers/${offerId}`, { key: p.key })).body.status).toBe('accepted');
    expect(await eventsOf(p, 'loan_offer.expired')).toEqual([]);
  });
});
