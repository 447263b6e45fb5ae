import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import {
  approveApplication,
  createCustomer,
  DEFAULT_OFFER,
  platformFor,
  submitApplication,
} from '../../../test/support/lending.js';

let gw: TestGateway;
let partner: Partner;
let customerId: string;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
  customerId = (await createCustomer(gw, partner)).id;
});
afterAll(() => gw.close());

const DAY_MS = 86_400_000;
const UNKNOWN_CUSTOMER = 'cus_01jd8x3k5w9q4r7t2m6n0p8s1v';
const UNKNOWN_APPLICATION = 'lap_01jd8x3k5w9q4r7t2m6n0p8s1v';

const validBody = () => ({
  customerId,
  amount: { amount: 10_000_000, currency: 'NGN' },
  termMonths: 6,
  purpose: 'Inventory for the shop',
});

const create = (body: unknown) => gw.request('POST', '/v1/loan-applications', { key: partner.key, body });

/** The tenant's applications (every test that is refused must leave none behind). */
const applicationCount = async () =>
  (await gw.request('GET', '/v1/loan-applications?limit=100', { key: partner.key })).body.data.length as number;

describe('loan applications: validation (400)', () => {
  it.each([
    ['amount 0', { amount: { amount: 0, currency: 'NGN' } }, 'body.amount.amount'],
    ['negative amount', { amount: { amount: -5, currency: 'NGN' } }, 'body.amount.amount'],
    ['fractional amount', { amount: { amount: 100_000.5, currency: 'NGN' } }, 'body.amount.amount'],
    ['amount as a string', { amount: { amount: '100000', currency: 'NGN' } }, 'body.amount.amount'],
    ['amount as a bare number', { amount: 10_000_000 }, 'body.amount'],
    ['unknown currency', { amount: { amount: 10_000_000, currency: 'XXX' } }, 'body.amount.currency'],
    ['unknown field in amount', { amount: { amount: 10_000_000, currency: 'NGN', fee: 1 } }, 'body.amount'],
    ['term 0', { termMonths: 0 }, 'body.termMonths'],
    ['term 121', { termMonths: 121 }, 'body.termMonths'],
    ['fractional term', { termMonths: 1.5 }, 'body.termMonths'],
    ['empty purpose', { purpose: '   ' }, 'body.purpose'],
    ['purpose over 500 characters', { purpose: 'x'.repeat(501) }, 'body.purpose'],
    ['customerId of the wrong kind', { customerId: 'ba_01jd8x3k5w9q4r7t2m6n0p8s1v' }, 'body.customerId'],
  ])('400 validation_failed for %s, naming the field', async (_name, patch, path) => {
    const before = await applicationCount();
    const res = await create({ ...validBody(), ...patch });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await applicationCount()).toBe(before);
  });

  it.each(['customerId', 'amount', 'termMonths', 'purpose'])('400 naming body.%s when it is missing', async (field) => {
    const body: Record<string, unknown> = validBody();
    delete body[field];
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(`body.${field}`);
  });

  it('400 for an unknown field, naming it', async () => {
    const res = await create({ ...validBody(), interestRate: 0 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(JSON.stringify(res.body.errors)).toContain('interestRate');
  });

  it('400 for malformed JSON', async () => {
    const res = await gw.request('POST', '/v1/loan-applications', { key: partner.key, rawBody: '{"customerId":' });
    expect(res.status).toBe(400);
  });

  it.each([
    ['status=pending', 'query.status'],
    ['customerId=lap_01jd8x3k5w9q4r7t2m6n0p8s1v', 'query.customerId'],
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['startingAfter=nope', 'query.startingAfter'],
  ])('GET /v1/loan-applications?%s is 400 naming %s', async (query, path) => {
    const res = await gw.request('GET', `/v1/loan-applications?${query}`, { key: partner.key });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('400 for an id of the wrong kind in the path', async () => {
    const res = await gw.request('GET', '/v1/loan-applications/lof_01jd8x3k5w9q4r7t2m6n0p8s1v', { key: partner.key });
    expect(res.status).toBe(400);
  });
});

describe('loan applications: product limits (422)', () => {
  it.each([
    ['amount 99,999 (below 100,000)', { amount: { amount: 99_999, currency: 'NGN' } }, 'amount'],
    ['amount 5,000,000,001 (above 5,000,000,000)', { amount: { amount: 5_000_000_001, currency: 'NGN' } }, 'amount'],
    ['term 61 months (above 60)', { termMonths: 61 }, 'termMonths'],
    ['term 120 months', { termMonths: 120 }, 'termMonths'],
  ])('422 unprocessable for %s, naming %s', async (_name, patch, field) => {
    const before = await applicationCount();
    const res = await create({ ...validBody(), ...patch });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unprocessable');
    expect(res.body.detail).toContain(field);
    expect(res.body.detail).toContain('product limits');
    expect(await applicationCount()).toBe(before);
  });
});

describe('loan applications: not found (404)', () => {
  it('404 for an unknown customer, and nothing is created', async () => {
    const before = await applicationCount();
    const res = await create({ ...validBody(), customerId: UNKNOWN_CUSTOMER });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect(res.body.detail).toContain(UNKNOWN_CUSTOMER);
    expect(await applicationCount()).toBe(before);
  });

  it('404 for another tenant’s customer, and nothing is created', async () => {
    const other = await gw.createPartner();
    const theirs = await createCustomer(gw, other);
    const before = await applicationCount();
    const res = await create({ ...validBody(), customerId: theirs.id });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect(await applicationCount()).toBe(before);
    expect((await gw.request('GET', '/v1/loan-applications', { key: other.key })).body.data).toEqual([]);
  });

  it.each([
    ['GET', ''],
    ['POST', '/withdraw'],
  ])('%s an unknown application%s is 404', async (method, suffix) => {
    const res = await gw.request(method, `/v1/loan-applications/${UNKNOWN_APPLICATION}${suffix}`, {
      key: partner.key,
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });

  it('approving or rejecting an unknown application is 404', async () => {
    const approve = await gw.request('POST', `/v1/loan-applications/${UNKNOWN_APPLICATION}/approve`, {
      ...platformFor(partner),
      body: { offer: DEFAULT_OFFER },
    });
    expect(approve.status).toBe(404);
    const reject = await gw.request('POST', `/v1/loan-applications/${UNKNOWN_APPLICATION}/reject`, {
      ...platformFor(partner),
      body: { reason: 'No' },
    });
    expect(reject.status).toBe(404);
  });
});

describe('loan applications: state conflicts (409)', () => {
  const approve = (p: Partner, id: string, offer: Record<string, unknown> = DEFAULT_OFFER) =>
    gw.request('POST', `/v1/loan-applications/${id}/approve`, { ...platformFor(p), body: { offer } });
  const reject = (p: Partner, id: string) =>
    gw.request('POST', `/v1/loan-applications/${id}/reject`, { ...platformFor(p), body: { reason: 'No' } });
  const withdraw = (p: Partner, id: string) =>
    gw.request('POST', `/v1/loan-applications/${id}/withdraw`, { key: p.key });

  it('approving an approved application is 409 naming its state, and makes no second offer', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    const first = await approveApplication(gw, p, app.id);
    const again = await approve(p, app.id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('state_conflict');
    expect(again.body.detail).toBe('Cannot approve a loan_application that is approved (allowed from: submitted)');
    const offers = await gw.request('GET', '/v1/loan-offers', { key: p.key });
    expect(offers.body.data.map((o: { id: string }) => o.id)).toEqual([first.offerId]);
    expect((await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: p.key })).body.offerId).toBe(
      first.offerId,
    );
  });

  it.each([
    ['withdrawn', withdraw],
    ['rejected', reject],
  ] as const)('approving a %s application is 409 naming that state', async (state, action) => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    expect((await action(p, app.id)).status).toBe(200);
    const res = await approve(p, app.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('state_conflict');
    expect(res.body.detail).toContain(`that is ${state}`);
    expect((await gw.request('GET', '/v1/loan-offers', { key: p.key })).body.data).toEqual([]);
  });

  it('withdrawing twice is 409 naming withdrawn; withdrawing an approved application is 409', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    expect((await withdraw(p, app.id)).status).toBe(200);
    const twice = await withdraw(p, app.id);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('state_conflict');
    expect(twice.body.detail).toBe('Cannot withdraw a loan_application that is withdrawn (allowed from: submitted)');
    const events = await gw.request('GET', '/v1/events?type=loan_application.withdrawn', { key: p.key });
    expect(events.body.data).toHaveLength(1);

    const approved = await submitApplication(gw, p);
    await approveApplication(gw, p, approved.id);
    const late = await withdraw(p, approved.id);
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain('that is approved');
  });

  it('rejecting an approved application is 409 and keeps the offer', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    const approved = await approveApplication(gw, p, app.id);
    const res = await reject(p, app.id);
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('Cannot reject a loan_application that is approved');
    const got = await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: p.key });
    expect(got.body).toMatchObject({ status: 'approved', rejectionReason: null, offerId: approved.offerId });
  });
});

describe('loan applications: approve and reject bodies', () => {
  const approve = (id: string, offer: unknown) =>
    gw.request('POST', `/v1/loan-applications/${id}/approve`, { ...platformFor(partner), body: { offer } });

  it('422 when the offer’s currency differs from the application’s; the application stays submitted', async () => {
    const app = await submitApplication(gw, partner, { customerId });
    const res = await approve(app.id, { ...DEFAULT_OFFER, principal: { amount: 10_000_000, currency: 'USD' } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unprocessable');
    expect(res.body.detail).toContain('USD');
    expect(res.body.detail).toContain('NGN');
    expect((await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: partner.key })).body).toMatchObject({
      status: 'submitted',
      offerId: null,
    });
  });

  it('422 for an expiresAt in the past or now (on the tenant clock); nothing changes', async () => {
    const app = await submitApplication(gw, partner, { customerId });
    for (const at of [new Date(gw.clock.now().getTime() - DAY_MS), gw.clock.now()]) {
      const res = await approve(app.id, { ...DEFAULT_OFFER, expiresAt: at.toISOString() });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('unprocessable');
      expect(res.body.detail).toContain('expiresAt');
    }
    expect((await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: partner.key })).body.status).toBe(
      'submitted',
    );
  });

  it.each([
    ['below 100,000', 99_999],
    ['above 5,000,000,000', 5_000_000_001],
  ])('422 for an offer principal %s (the product limits); the application stays submitted', async (_name, amount) => {
    const app = await submitApplication(gw, partner, { customerId });
    const res = await approve(app.id, { ...DEFAULT_OFFER, principal: { amount, currency: 'NGN' } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unprocessable');
    expect(res.body.detail).toContain('offer.principal');
    expect((await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: partner.key })).body.status).toBe(
      'submitted',
    );
  });

  it('422 for an offer term above the product limit (61 months)', async () => {
    const app = await submitApplication(gw, partner, { customerId });
    const res = await approve(app.id, { ...DEFAULT_OFFER, termMonths: 61 });
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain('offer.termMonths');
  });

  it.each([
    ['no offer', {}, 'body.offer'],
    ['negative rate', { offer: { ...DEFAULT_OFFER, annualInterestRateBps: -1 } }, 'body.offer.annualInterestRateBps'],
    [
      'rate above 100000 bps',
      { offer: { ...DEFAULT_OFFER, annualInterestRateBps: 100_001 } },
      'body.offer.annualInterestRateBps',
    ],
    [
      'fractional rate',
      { offer: { ...DEFAULT_OFFER, annualInterestRateBps: 24.5 } },
      'body.offer.annualInterestRateBps',
    ],
    ['fee above 10000 bps', { offer: { ...DEFAULT_OFFER, originationFeeBps: 10_001 } }, 'body.offer.originationFeeBps'],
    ['unknown amortization', { offer: { ...DEFAULT_OFFER, amortization: 'balloon' } }, 'body.offer.amortization'],
    ['term 0', { offer: { ...DEFAULT_OFFER, termMonths: 0 } }, 'body.offer.termMonths'],
    [
      'principal 0',
      { offer: { ...DEFAULT_OFFER, principal: { amount: 0, currency: 'NGN' } } },
      'body.offer.principal.amount',
    ],
    ['expiresAt not a timestamp', { offer: { ...DEFAULT_OFFER, expiresAt: 'next week' } }, 'body.offer.expiresAt'],
    ['unknown field in offer', { offer: { ...DEFAULT_OFFER, grace: 1 } }, 'body.offer'],
    ['unknown top-level field', { offer: DEFAULT_OFFER, note: 'x' }, 'body'],
  ])('approve: 400 for %s, naming %s', async (_name, body, path) => {
    const app = await submitApplication(gw, partner, { customerId });
    const res = await gw.request('POST', `/v1/loan-applications/${app.id}/approve`, { ...platformFor(partner), body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: partner.key })).body.status).toBe(
      'submitted',
    );
  });

  it.each([
    ['no reason', {}],
    ['an empty reason', { reason: '  ' }],
    ['a reason over 500 characters', { reason: 'x'.repeat(501) }],
  ])('reject: 400 for %s, naming body.reason', async (_name, body) => {
    const app = await submitApplication(gw, partner, { customerId });
    const res = await gw.request('POST', `/v1/loan-applications/${app.id}/reject`, { ...platformFor(partner), body });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('body.reason');
    expect((await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: partner.key })).body.status).toBe(
      'submitted',
    );
  });
});
