import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { acceptOffer, openOffer, platformFor } from '../../../test/support/lending.js';
import { authMatrix } from '../../../test/support/security.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const WELL_FORMED_OFFER = 'lof_01jd8x3k5w9q4r7t2m6n0p8s1v';

describe('GET /v1/loan-offers', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: '/v1/loan-offers', scope: 'loans:read' }),
  ));
describe('GET /v1/loan-offers/{id}', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: `/v1/loan-offers/${WELL_FORMED_OFFER}`, scope: 'loans:read' }),
  ));
describe('POST /v1/loan-offers/{id}/accept', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'POST', path: `/v1/loan-offers/${WELL_FORMED_OFFER}/accept`, scope: 'loans:write' }),
  ));
describe('POST /v1/loan-offers/{id}/decline', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'POST', path: `/v1/loan-offers/${WELL_FORMED_OFFER}/decline`, scope: 'loans:write' }),
  ));

const offerOf = async (p: Partner, id: string) =>
  (await gw.request('GET', `/v1/loan-offers/${id}`, { key: p.key })).body as { status: string; loanId: string | null };

describe('loan offers: scopes', () => {
  it('401 without a key on accept, and the offer stays open', async () => {
    const p = await gw.createPartner();
    const { offerId } = await openOffer(gw, p);
    const res = await gw.request('POST', `/v1/loan-offers/${offerId}/accept`, { key: null });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('api_key_missing');
    expect((await offerOf(p, offerId)).status).toBe('open');
  });

  it.each(['accept', 'decline'])(
    'a loans:read key can read an offer but not %s it (403 naming loans:write)',
    async (action) => {
      const p = await gw.createPartner();
      const { offerId, offer } = await openOffer(gw, p);
      const reader = await gw.createKey(p.accountId, { scopes: ['loans:read'] });
      const res = await gw.request('POST', `/v1/loan-offers/${offerId}/${action}`, { key: reader.secret });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('insufficient_scope');
      expect(res.body.detail).toContain('loans:write');
      const got = await gw.request('GET', `/v1/loan-offers/${offerId}`, { key: reader.secret });
      expect(got.status).toBe(200);
      expect(got.body).toEqual(offer);
      const list = await gw.request('GET', '/v1/loan-offers', { key: reader.secret });
      expect(list.body.data.map((o: { id: string }) => o.id)).toEqual([offerId]);
    },
  );
});

describe('loan offers: tenancy', () => {
  let a: Partner;
  let b: Partner;
  let offerOfA: string;
  let customerOfA: string;
  beforeAll(async () => {
    a = await gw.createPartner();
    b = await gw.createPartner();
    const opened = await openOffer(gw, a);
    offerOfA = opened.offerId;
    customerOfA = opened.customerId;
  });

  it('another tenant’s offer is 404 on get, accept and decline, is not listed, and stays open', async () => {
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/accept'],
      ['POST', '/decline'],
    ] as const) {
      const res = await gw.request(method, `/v1/loan-offers/${offerOfA}${suffix}`, { key: b.key });
      expect(res.status, `${method} ${suffix}`).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
    expect((await gw.request('GET', '/v1/loan-offers', { key: b.key })).body.data).toEqual([]);
    expect((await gw.request('GET', `/v1/loan-offers?customerId=${customerOfA}`, { key: b.key })).body.data).toEqual(
      [],
    );
    expect(await offerOf(a, offerOfA)).toMatchObject({ status: 'open', loanId: null });
    expect((await gw.request('GET', '/v1/loans', { key: b.key })).body.data).toEqual([]);
  });

  it('the platform acting for B cannot see, accept or decline A’s offer (404)', async () => {
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/accept'],
      ['POST', '/decline'],
    ] as const) {
      const res = await gw.request(method, `/v1/loan-offers/${offerOfA}${suffix}`, platformFor(b));
      expect(res.status, `${method} ${suffix}`).toBe(404);
    }
    expect((await gw.request('GET', '/v1/loan-offers', platformFor(b))).body.data).toEqual([]);
    // Without Lendwire-Account the platform key is its own tenant: still 404.
    expect((await gw.request('GET', `/v1/loan-offers/${offerOfA}`)).status).toBe(404);
    expect(await offerOf(a, offerOfA)).toMatchObject({ status: 'open', loanId: null });
  });

  it('a live key does not see test-mode offers (404 on get, accept, decline; empty list)', async () => {
    const live = await gw.createKey(a.accountId, { name: 'live' }, true);
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/accept'],
      ['POST', '/decline'],
    ] as const) {
      const res = await gw.request(method, `/v1/loan-offers/${offerOfA}${suffix}`, { key: live.secret });
      expect(res.status, `${method} ${suffix}`).toBe(404);
    }
    const list = await gw.request('GET', '/v1/loan-offers', { key: live.secret });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    expect(await offerOf(a, offerOfA)).toMatchObject({ status: 'open', loanId: null });
  });

  it('the loan created by accepting is A’s alone', async () => {
    const { offerId } = await openOffer(gw, a);
    const accepted = await acceptOffer(gw, a, offerId);
    expect((await gw.request('GET', `/v1/loans/${accepted.loanId}`, { key: b.key })).status).toBe(404);
    expect((await gw.request('GET', `/v1/loans/${accepted.loanId}`, platformFor(b))).status).toBe(404);
    expect((await gw.request('GET', `/v1/loans/${accepted.loanId}`, { key: a.key })).status).toBe(200);
  });
});

describe('loan offers: suspended accounts', () => {
  it('a suspended account cannot accept an offer (403 account_suspended), not even through the platform', async () => {
    const p = await gw.createPartner();
    const { offerId } = await openOffer(gw, p);
    expect((await gw.request('POST', `/v1/accounts/${p.accountId}/suspend`)).status).toBe(200);
    const own = await gw.request('POST', `/v1/loan-offers/${offerId}/accept`, { key: p.key });
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('account_suspended');
    const viaPlatform = await gw.request('POST', `/v1/loan-offers/${offerId}/accept`, platformFor(p));
    expect(viaPlatform.status).toBe(403);
    expect(viaPlatform.body.code).toBe('account_suspended');
    expect((await gw.request('POST', `/v1/accounts/${p.accountId}/unsuspend`)).status).toBe(200);
    expect(await offerOf(p, offerId)).toMatchObject({ status: 'open', loanId: null });
    expect((await gw.request('GET', '/v1/loans', { key: p.key })).body.data).toEqual([]);
  });

  it('an account suspended directly in the store (no gateway cache invalidation) cannot accept either', async () => {
    const p = await gw.createPartner();
    const { offerId } = await openOffer(gw, p);
    await gw.services.accounts.setStatus(p.accountId, 'suspended');
    const res = await gw.request('POST', `/v1/loan-offers/${offerId}/accept`, { key: p.key });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_suspended');
    await gw.services.accounts.setStatus(p.accountId, 'active');
    gw.app.deps.keyCache.invalidateAccount(p.accountId);
    expect(await offerOf(p, offerId)).toMatchObject({ status: 'open', loanId: null });
  });
});
