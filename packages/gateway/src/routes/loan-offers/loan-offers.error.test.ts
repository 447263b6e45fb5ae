import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { acceptOffer, advanceClock, openOffer } from '../../../test/support/lending.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const DAY = 86_400;
const UNKNOWN_OFFER = 'lof_01jd8x3k5w9q4r7t2m6n0p8s1v';

const accept = (p: Partner, id: string) => gw.request('POST', `/v1/loan-offers/${id}/accept`, { key: p.key });
const decline = (p: Partner, id: string) => gw.request('POST', `/v1/loan-offers/${id}/decline`, { key: p.key });
const loansOf = async (p: Partner) => (await gw.request('GET', '/v1/loans', { key: p.key })).body.data as unknown[];

describe('loan offers: state conflicts (409)', () => {
  it('accepting a declined offer is 409 naming declined, and creates no loan', async () => {
    const p = await gw.createPartner();
    const { offerId } = await openOffer(gw, p);
    expect((await decline(p, offerId)).status).toBe(200);
    const res = await accept(p, offerId);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('state_conflict');
    expect(res.body.detail).toBe('Cannot accept a loan_offer that is declined (allowed from: open)');
    expect(await loansOf(p)).toEqual([]);
    expect((await gw.request('GET', `/v1/loan-offers/${offerId}`, { key: p.key })).body).toMatchObject({
      status: 'declined',
      loanId: null,
    });
  });

  it('declining an accepted offer is 409 naming accepted, and the loan stays', async () => {
    const p = await gw.createPartner();
    const { offerId } = await openOffer(gw, p);
    const accepted = await acceptOffer(gw, p, offerId);
    const res = await decline(p, offerId);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('state_conflict');
    expect(res.body.detail).toBe('Cannot decline a loan_offer that is accepted (allowed from: open)');
    expect((await gw.request('GET', `/v1/loan-offers/${offerId}`, { key: p.key })).body).toMatchObject({
      status: 'accepted',
      loanId: accepted.loanId,
    });
    expect(await gw.request('GET', '/v1/events?type=loan_offer.declined', { key: p.key })).toMatchObject({
      body: { data: [] },
    });
  });

  it('accepting twice is 409 and makes exactly one loan', async () => {
    const p = await gw.createPartner();
    const { offerId } = await openOffer(gw, p);
    const first = await acceptOffer(gw, p, offerId);
    const again = await accept(p, offerId);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('that is accepted');
    const loans = await loansOf(p);
    expect(loans).toHaveLength(1);
    expect(loans[0]).toMatchObject({ id: first.loanId });
    const events = await gw.request('GET', '/v1/events?type=loan_offer.accepted', { key: p.key });
    expect(events.body.data).toHaveLength(1);
  });

  it('declining twice is 409 naming declined', async () => {
    const p = await gw.createPartner();
    const { offerId } = await openOffer(gw, p);
    expect((await decline(p, offerId)).status).toBe(200);
    const res = await decline(p, offerId);
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('that is declined');
  });

  it('an expired offer cannot be accepted or declined (409 naming expired)', async () => {
    const p = await gw.createPartner();
    const { offerId } = await openOffer(gw, p);
    await advanceClock(gw, p, 8 * DAY);
    const a = await accept(p, offerId);
    expect(a.status).toBe(409);
    expect(a.body.detail).toBe('Cannot accept a loan_offer that is expired (allowed from: open)');
    const d = await decline(p, offerId);
    expect(d.status).toBe(409);
    expect(d.body.detail).toContain('that is expired');
    expect(await loansOf(p)).toEqual([]);
  });

  it('an offer past expiresAt that the scheduler has not marked yet is still refused (409), and nothing is written', async () => {
    const p = await gw.createPartner();
    const { offerId, offer } = await openOffer(gw, p, {
      expiresAt: new Date(gw.clock.now().getTime() + 3_600_000).toISOString(),
    });
    // Move the tenant's clock without running the scheduler (the advance route would run it).
    await gw.services.testClock.advance(p.accountId, 2 * 3_600);
    const res = await accept(p, offerId);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('state_conflict');
    expect(res.body.detail).toContain('expired');
    expect(res.body.detail).toContain(offer.expiresAt as string);
    // The refused accept rolled back: still open (until the scheduler runs), no loan, no event.
    expect((await gw.request('GET', `/v1/loan-offers/${offerId}`, { key: p.key })).body).toMatchObject({
      status: 'open',
      loanId: null,
    });
    expect(await loansOf(p)).toEqual([]);
    expect((await gw.request('GET', '/v1/events?type=loan_offer.accepted', { key: p.key })).body.data).toEqual([]);

    await advanceClock(gw, p, 1);
    expect((await gw.request('GET', `/v1/loan-offers/${offerId}`, { key: p.key })).body.status).toBe('expired');
  });
});

describe('loan offers: not found and bad input', () => {
  it.each([
    ['GET', ''],
    ['POST', '/accept'],
    ['POST', '/decline'],
  ])('%s an unknown offer%s is 404', async (method, suffix) => {
    const p = await gw.createPartner();
    const res = await gw.request(method, `/v1/loan-offers/${UNKNOWN_OFFER}${suffix}`, { key: p.key });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect(res.body.detail).toContain(UNKNOWN_OFFER);
  });

  it.each([
    ['GET', ''],
    ['POST', '/accept'],
    ['POST', '/decline'],
  ])('%s with an id of the wrong kind%s is 400', async (method, suffix) => {
    const p = await gw.createPartner();
    const res = await gw.request(method, `/v1/loan-offers/lap_01jd8x3k5w9q4r7t2m6n0p8s1v${suffix}`, {
      key: p.key,
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it.each([
    ['status=pending', 'query.status'],
    ['status=submitted', 'query.status'],
    ['customerId=nope', 'query.customerId'],
    ['limit=abc', 'query.limit'],
    ['startingAfter=%20', 'query.startingAfter'],
  ])('GET /v1/loan-offers?%s is 400 naming %s', async (query, path) => {
    const p = await gw.createPartner();
    const res = await gw.request('GET', `/v1/loan-offers?${query}`, { key: p.key });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});
