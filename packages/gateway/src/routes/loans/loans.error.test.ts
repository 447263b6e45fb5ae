import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStoreKind } from '../../../../core/test/support.js';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { acceptOffer, activeLoan, openOffer, platformFor } from '../../../test/support/lending.js';
import { idempotencyHeader } from '../../../test/support/money.js';

const postgres = testStoreKind() === 'postgres';
if (!postgres) console.log('[lendwire] skipping the concurrent loan tests: they need the Postgres store');

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

const UNKNOWN_LOAN = 'loan_01jd8x3k5w9q4r7t2m6n0p8s1v';
const UNKNOWN_REPAYMENT = 'rpy_01jd8x3k5w9q4r7t2m6n0p8s1v';

/** A loan accepted but not disbursed. */
async function pendingLoan(p: Partner): Promise<string> {
  const { offerId } = await openOffer(gw, p);
  return (await acceptOffer(gw, p, offerId)).loanId;
}

/** What a refused request must leave as it was: the loan, its schedule, its repayments, the wallet, the events. */
async function snapshot(p: Partner, loanId: string) {
  const get = async (path: string) => {
    const res = await gw.request('GET', path, { key: p.key });
    expect(res.status, `${path}: ${res.text}`).toBe(200);
    return res.body;
  };
  return {
    loan: await get(`/v1/loans/${loanId}`),
    schedule: await get(`/v1/loans/${loanId}/schedule`),
    repayments: await get(`/v1/loans/${loanId}/repayments`),
    wallets: await get('/v1/wallets'),
    events: await get('/v1/events?limit=100'),
  };
}

const repay = (p: Partner, loanId: string, body: unknown, headers = idempotencyHeader()) =>
  gw.request('POST', `/v1/loans/${loanId}/repayments`, { key: p.key, headers, body });

describe('loans: disbursement errors', () => {
  it('400 invalid_header without an Idempotency-Key, and the loan stays pending', async () => {
    const loanId = await pendingLoan(partner);
    const res = await gw.request('POST', `/v1/loans/${loanId}/disburse`, platformFor(partner));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_header');
    expect(res.body.detail.toLowerCase()).toContain('idempotency-key');
    const loan = await gw.request('GET', `/v1/loans/${loanId}`, { key: partner.key });
    expect(loan.body).toMatchObject({ status: 'pending_disbursement', disbursedAt: null });
  });

  it('409 state_conflict naming `active` for a second disbursement with a different key; nothing is credited twice', async () => {
    const p = await gw.createPartner();
    const loanId = await pendingLoan(p);
    const first = await gw.request('POST', `/v1/loans/${loanId}/disburse`, platformFor(p, idempotencyHeader()));
    expect(first.status).toBe(200);
    const before = await snapshot(p, loanId);
    const res = await gw.request('POST', `/v1/loans/${loanId}/disburse`, platformFor(p, idempotencyHeader()));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('state_conflict');
    expect(res.body.detail).toContain('active');
    expect(res.body.detail).toContain('pending_disbursement');
    expect(await snapshot(p, loanId)).toEqual(before);
    expect(before.wallets.data[0].available.amount).toBe(9_900_000);
  });

  it('409 for disbursing a written-off loan', async () => {
    const p = await gw.createPartner();
    const { loanId } = await activeLoan(gw, p);
    expect((await gw.request('POST', `/v1/loans/${loanId}/write-off`, platformFor(p))).status).toBe(200);
    const res = await gw.request('POST', `/v1/loans/${loanId}/disburse`, platformFor(p, idempotencyHeader()));
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('written_off');
  });

  it('404 for disbursing an unknown loan', async () => {
    const res = await gw.request(
      'POST',
      `/v1/loans/${UNKNOWN_LOAN}/disburse`,
      platformFor(partner, idempotencyHeader()),
    );
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });
});

describe('loans: repayment errors', () => {
  it('400 invalid_header without an Idempotency-Key', async () => {
    const { loanId } = await activeLoan(gw, partner);
    const res = await gw.request('POST', `/v1/loans/${loanId}/repayments`, { key: partner.key, body: { amount: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_header');
  });

  it('409 state_conflict for a repayment of a loan pending disbursement', async () => {
    const p = await gw.createPartner();
    const loanId = await pendingLoan(p);
    const before = await snapshot(p, loanId);
    const res = await repay(p, loanId, { amount: 100_000 });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('state_conflict');
    expect(res.body.detail).toContain('pending_disbursement');
    expect(await snapshot(p, loanId)).toEqual(before);
  });

  it.each([
    [{ amount: 0 }, 'body.amount'],
    [{ amount: -100 }, 'body.amount'],
    [{ amount: 1.5 }, 'body.amount'],
    [{ amount: '100' }, 'body.amount'],
    [{ amount: 1_000_000_000_001 }, 'body.amount'],
    [{}, 'body.amount'],
    [{ amount: 100, currency: 'ngn' }, 'body.currency'],
  ])('400 validation_failed for repayment %j naming %s, and nothing changes', async (body, path) => {
    const p = await gw.createPartner();
    const { loanId } = await activeLoan(gw, p);
    const before = await snapshot(p, loanId);
    const res = await repay(p, loanId, body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await snapshot(p, loanId)).toEqual(before);
  });

  it('400 for an unknown field in the repayment body', async () => {
    const { loanId } = await activeLoan(gw, partner);
    const res = await repay(partner, loanId, { amount: 100, source: 'mandate' });
    expect(res.status).toBe(400);
  });

  it('422 unprocessable for more than the outstanding total: outstanding, schedule and events unchanged', async () => {
    const p = await gw.createPartner();
    const { loanId } = await activeLoan(gw, p);
    const partial = await repay(p, loanId, { amount: 400_000 });
    expect(partial.status).toBe(201);
    const before = await snapshot(p, loanId);
    const outstanding = before.loan.outstanding.total.amount;
    const res = await repay(p, loanId, { amount: outstanding + 1 });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unprocessable');
    expect(res.body.detail).toContain(String(outstanding));
    expect(await snapshot(p, loanId)).toEqual(before);
    // Exactly the outstanding total is still accepted.
    const exact = await repay(p, loanId, { amount: outstanding });
    expect(exact.status).toBe(201);
  });

  it('422 unprocessable for a currency other than the loan’s, and nothing changes', async () => {
    const p = await gw.createPartner();
    const { loanId } = await activeLoan(gw, p);
    const before = await snapshot(p, loanId);
    const res = await repay(p, loanId, { amount: 100_000, currency: 'USD' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unprocessable');
    expect(res.body.detail).toContain('NGN');
    expect(await snapshot(p, loanId)).toEqual(before);
  });

  it('409 for repaying a paid-off loan', async () => {
    const p = await gw.createPartner();
    const { loanId, loan } = await activeLoan(gw, p);
    const total = (loan.outstanding as { total: { amount: number } }).total.amount;
    expect((await repay(p, loanId, { amount: total })).status).toBe(201);
    const res = await repay(p, loanId, { amount: 1 });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('paid_off');
  });

  it('409 for repaying a written-off loan', async () => {
    const p = await gw.createPartner();
    const { loanId } = await activeLoan(gw, p);
    expect((await gw.request('POST', `/v1/loans/${loanId}/write-off`, platformFor(p))).status).toBe(200);
    const res = await repay(p, loanId, { amount: 1 });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('written_off');
  });

  it('422 idempotency_key_reused for the same key with another amount; only the first is recorded', async () => {
    const p = await gw.createPartner();
    const { loanId } = await activeLoan(gw, p);
    const headers = idempotencyHeader();
    expect((await repay(p, loanId, { amount: 1_000 }, headers)).status).toBe(201);
    const res = await repay(p, loanId, { amount: 2_000 }, headers);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('idempotency_key_reused');
    const listed = await gw.request('GET', `/v1/loans/${loanId}/repayments`, { key: p.key });
    expect(listed.body.data.map((r: { amount: { amount: number } }) => r.amount.amount)).toEqual([1_000]);
  });
});

describe('loans: write-off errors', () => {
  it('409 state_conflict for writing off a paid-off loan', async () => {
    const p = await gw.createPartner();
    const { loanId, loan } = await activeLoan(gw, p);
    const total = (loan.outstanding as { total: { amount: number } }).total.amount;
    expect((await repay(p, loanId, { amount: total })).status).toBe(201);
    const before = await snapshot(p, loanId);
    const res = await gw.request('POST', `/v1/loans/${loanId}/write-off`, platformFor(p));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('state_conflict');
    expect(res.body.detail).toContain('paid_off');
    expect(await snapshot(p, loanId)).toEqual(before);
  });

  it('409 for writing off a loan pending disbursement, and twice', async () => {
    const p = await gw.createPartner();
    const loanId = await pendingLoan(p);
    const pending = await gw.request('POST', `/v1/loans/${loanId}/write-off`, platformFor(p));
    expect(pending.status).toBe(409);
    expect(pending.body.detail).toContain('pending_disbursement');
    const { loanId: active } = await activeLoan(gw, p);
    expect((await gw.request('POST', `/v1/loans/${active}/write-off`, platformFor(p))).status).toBe(200);
    const again = await gw.request('POST', `/v1/loans/${active}/write-off`, platformFor(p));
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('written_off');
    const events = await gw.request('GET', '/v1/events?type=loan.written_off', { key: p.key });
    expect(events.body.data).toHaveLength(1);
  });
});

describe('loans: unknown and malformed ids', () => {
  it.each([
    ['GET', `/v1/loans/${UNKNOWN_LOAN}`],
    ['GET', `/v1/loans/${UNKNOWN_LOAN}/schedule`],
    ['GET', `/v1/loans/${UNKNOWN_LOAN}/repayments`],
    ['GET', `/v1/repayments/${UNKNOWN_REPAYMENT}`],
  ])('404 not_found for %s %s', async (method, path) => {
    const res = await gw.request(method, path, { key: partner.key });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });

  it('404 for a repayment of an unknown loan', async () => {
    const res = await repay(partner, UNKNOWN_LOAN, { amount: 100 });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });

  it('404 for writing off an unknown loan', async () => {
    const res = await gw.request('POST', `/v1/loans/${UNKNOWN_LOAN}/write-off`, platformFor(partner));
    expect(res.status).toBe(404);
  });

  it.each([
    ['GET', '/v1/loans/not-an-id'],
    ['GET', '/v1/loans/cus_01jd8x3k5w9q4r7t2m6n0p8s1v'],
    ['GET', '/v1/loans/not-an-id/schedule'],
    ['GET', '/v1/loans/not-an-id/repayments'],
    ['GET', '/v1/repayments/loan_01jd8x3k5w9q4r7t2m6n0p8s1v'],
  ])('400 naming path.id for %s %s', async (method, path) => {
    const res = await gw.request(method, path, { key: partner.key });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('path.id');
  });

  it('400 naming path.id for a repayment of a malformed loan id', async () => {
    const res = await repay(partner, 'loan_nope', { amount: 100 });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('path.id');
  });

  it('400 naming path.id for disbursing a malformed loan id', async () => {
    const res = await gw.request('POST', '/v1/loans/nope/disburse', platformFor(partner, idempotencyHeader()));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('path.id');
  });

  it.each([
    ['status=late', 'query.status'],
    ['customerId=loan_01jd8x3k5w9q4r7t2m6n0p8s1v', 'query.customerId'],
    ['limit=0', 'query.limit'],
  ])('400 for GET /v1/loans?%s naming %s', async (query, path) => {
    const res = await gw.request('GET', `/v1/loans?${query}`, { key: partner.key });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe(path);
  });
});

describe.runIf(postgres)('loans under concurrency (Postgres)', () => {
  it('8 concurrent disbursements with different keys: one 200, the rest 409, the wallet credited once', async () => {
    const p = await gw.createPartner();
    const loanId = await pendingLoan(p);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        gw.request('POST', `/v1/loans/${loanId}/disburse`, platformFor(p, idempotencyHeader())),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    const wallet = (await gw.request('GET', '/v1/wallets', { key: p.key })).body.data[0];
    expect(wallet.available.amount).toBe(9_900_000);
    const txns = await gw.request('GET', `/v1/wallets/${wallet.id}/transactions`, { key: p.key });
    expect(txns.body.data).toHaveLength(1);
    const events = await gw.request('GET', '/v1/events?type=loan.disbursed', { key: p.key });
    expect(events.body.data).toHaveLength(1);
  });

  it('4 concurrent repayments each over half the outstanding: one 201, the rest 422, nothing overpaid', async () => {
    const p = await gw.createPartner();
    const { loanId, loan } = await activeLoan(gw, p);
    const total = (loan.outstanding as { total: { amount: number } }).total.amount;
    const half = Math.floor(total / 2) + 1;
    const results = await Promise.all(Array.from({ length: 4 }, () => repay(p, loanId, { amount: half })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422, 422]);
    const after = await gw.request('GET', `/v1/loans/${loanId}`, { key: p.key });
    expect(after.body.outstanding.total.amount).toBe(total - half);
    const listed = await gw.request('GET', `/v1/loans/${loanId}/repayments`, { key: p.key });
    expect(listed.body.data).toHaveLength(1);
  });
});
