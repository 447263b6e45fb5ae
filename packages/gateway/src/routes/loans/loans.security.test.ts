import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { acceptOffer, activeLoan, openOffer, platformFor } from '../../../test/support/lending.js';
import { idempotencyHeader } from '../../../test/support/money.js';
import { authMatrix } from '../../../test/support/security.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const WELL_FORMED_LOAN = 'loan_01jd8x3k5w9q4r7t2m6n0p8s1v';

/** A loan accepted but not disbursed. */
async function pendingLoan(p: Partner): Promise<string> {
  const { offerId } = await openOffer(gw, p);
  return (await acceptOffer(gw, p, offerId)).loanId;
}

async function loanOf(p: Partner, loanId: string) {
  const res = await gw.request('GET', `/v1/loans/${loanId}`, { key: p.key });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

// The matrix's scope check uses an events:read key.
describe('GET /v1/loans', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: '/v1/loans', scope: 'loans:read' }),
  ));
describe('GET /v1/loans/{id}/schedule', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: `/v1/loans/${WELL_FORMED_LOAN}/schedule`, scope: 'loans:read' }),
  ));
describe('GET /v1/repayments/{id}', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: '/v1/repayments/rpy_01jd8x3k5w9q4r7t2m6n0p8s1v', scope: 'loans:read' }),
  ));
describe('POST /v1/loans/{id}/write-off', () =>
  authMatrix(
    () => gw,
    () => ({
      method: 'POST',
      path: `/v1/loans/${WELL_FORMED_LOAN}/write-off`,
      scope: 'operations:write',
      platformOnly: true,
    }),
  ));

describe('loans: platform-only actions', () => {
  it('403 insufficient_scope naming operations:write when a partner’s all-scope key disburses; the loan stays pending', async () => {
    const p = await gw.createPartner();
    const loanId = await pendingLoan(p);
    const res = await gw.request('POST', `/v1/loans/${loanId}/disburse`, { key: p.key, headers: idempotencyHeader() });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.body.detail).toContain('operations:write');
    expect(await loanOf(p, loanId)).toMatchObject({ status: 'pending_disbursement', disbursedAt: null });
    expect((await gw.request('GET', '/v1/wallets', { key: p.key })).body.data).toEqual([]);
    expect((await gw.request('GET', '/v1/events?type=loan.*', { key: p.key })).body.data).toEqual([]);
  });

  it('403 insufficient_scope naming operations:write when a partner’s all-scope key writes a loan off', async () => {
    const p = await gw.createPartner();
    const { loanId } = await activeLoan(gw, p);
    const res = await gw.request('POST', `/v1/loans/${loanId}/write-off`, { key: p.key });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.body.detail).toContain('operations:write');
    expect((await loanOf(p, loanId)).status).toBe('active');
  });

  it('a partner cannot reach the platform scopes by sending Lendwire-Account for itself', async () => {
    const p = await gw.createPartner();
    const loanId = await pendingLoan(p);
    const res = await gw.request('POST', `/v1/loans/${loanId}/disburse`, {
      key: p.key,
      headers: { 'lendwire-account': p.accountId, ...idempotencyHeader() },
    });
    expect(res.status).toBe(403);
    expect((await loanOf(p, loanId)).status).toBe('pending_disbursement');
  });

  it('the platform acting for one partner cannot disburse another partner’s loan (404)', async () => {
    const a = await gw.createPartner();
    const b = await gw.createPartner();
    const loanId = await pendingLoan(a);
    const res = await gw.request('POST', `/v1/loans/${loanId}/disburse`, platformFor(b, idempotencyHeader()));
    expect(res.status).toBe(404);
    const writeOff = await gw.request('POST', `/v1/loans/${loanId}/write-off`, platformFor(b));
    expect(writeOff.status).toBe(404);
    expect((await loanOf(a, loanId)).status).toBe('pending_disbursement');
  });
});

describe('loans: scopes', () => {
  it('403 insufficient_scope naming loans:write for a loans:read-only key repaying; it can still read', async () => {
    const p = await gw.createPartner();
    const { loanId, loan } = await activeLoan(gw, p);
    const key = await gw.createKey(p.accountId, { scopes: ['loans:read'] });
    const res = await gw.request('POST', `/v1/loans/${loanId}/repayments`, {
      key: key.secret,
      headers: idempotencyHeader(),
      body: { amount: 100_000 },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.body.detail).toContain('loans:write');
    const read = await gw.request('GET', `/v1/loans/${loanId}`, { key: key.secret });
    expect(read.status).toBe(200);
    expect(read.body.outstanding).toEqual(loan.outstanding);
    const repayments = await gw.request('GET', `/v1/loans/${loanId}/repayments`, { key: key.secret });
    expect(repayments.status).toBe(200);
    expect(repayments.body.data).toEqual([]);
    expect((await gw.request('GET', `/v1/loans/${loanId}/schedule`, { key: key.secret })).status).toBe(200);
  });

  it('403 insufficient_scope naming loans:read for a wallets-only key reading loans', async () => {
    const p = await gw.createPartner();
    const { loanId } = await activeLoan(gw, p);
    const key = await gw.createKey(p.accountId, { scopes: ['wallets:read', 'wallets:write'] });
    for (const path of [`/v1/loans/${loanId}`, `/v1/loans/${loanId}/schedule`, `/v1/loans/${loanId}/repayments`]) {
      const res = await gw.request('GET', path, { key: key.secret });
      expect(res.status, path).toBe(403);
      expect(res.body.detail).toContain('loans:read');
    }
    const repay = await gw.request('POST', `/v1/loans/${loanId}/repayments`, {
      key: key.secret,
      headers: idempotencyHeader(),
      body: { amount: 100 },
    });
    expect(repay.status).toBe(403);
    expect(repay.body.detail).toContain('loans:write');
  });
});

describe('loans: tenancy', () => {
  it('another tenant’s loan and repayment are 404 on get, schedule, repay and list repayments, and nothing moves', async () => {
    const a = await gw.createPartner();
    const b = await gw.createPartner();
    const { loanId } = await activeLoan(gw, a);
    const repayment = await gw.request('POST', `/v1/loans/${loanId}/repayments`, {
      key: a.key,
      headers: idempotencyHeader(),
      body: { amount: 100_000 },
    });
    expect(repayment.status).toBe(201);
    const before = await loanOf(a, loanId);

    for (const path of [
      `/v1/loans/${loanId}`,
      `/v1/loans/${loanId}/schedule`,
      `/v1/loans/${loanId}/repayments`,
      `/v1/repayments/${repayment.body.id}`,
    ]) {
      const res = await gw.request('GET', path, { key: b.key });
      expect(res.status, path).toBe(404);
      expect(res.body.code).toBe('not_found');
      expect(res.text).not.toContain(a.accountId);
    }
    const steal = await gw.request('POST', `/v1/loans/${loanId}/repayments`, {
      key: b.key,
      headers: idempotencyHeader(),
      body: { amount: 1_000 },
    });
    expect(steal.status).toBe(404);

    expect(await loanOf(a, loanId)).toEqual(before);
    const listed = await gw.request('GET', `/v1/loans/${loanId}/repayments`, { key: a.key });
    expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([repayment.body.id]);
    expect((await gw.request('GET', '/v1/loans', { key: b.key })).body.data).toEqual([]);
    expect((await gw.request('GET', '/v1/events?type=repayment.*', { key: b.key })).body.data).toEqual([]);
  });

  it('the list of loans filtered by another tenant’s customer is empty', async () => {
    const a = await gw.createPartner();
    const b = await gw.createPartner();
    const { customerId } = await activeLoan(gw, a);
    const res = await gw.request('GET', `/v1/loans?customerId=${customerId}`, { key: b.key });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });

  it('a live key does not see test-mode loans', async () => {
    const p = await gw.createPartner();
    const { loanId } = await activeLoan(gw, p);
    const live = await gw.createKey(p.accountId, {}, true);
    const res = await gw.request('GET', `/v1/loans/${loanId}`, { key: live.secret });
    expect(res.status).toBe(404);
    expect((await gw.request('GET', '/v1/loans', { key: live.secret })).body.data).toEqual([]);
  });
});

describe('loans: suspended accounts', () => {
  it('403 account_suspended for a repayment by a suspended account; nothing is recorded', async () => {
    const p = await gw.createPartner();
    const { loanId } = await activeLoan(gw, p);
    const before = await loanOf(p, loanId);
    const suspend = await gw.request('POST', `/v1/accounts/${p.accountId}/suspend`);
    expect(suspend.status).toBe(200);
    const res = await gw.request('POST', `/v1/loans/${loanId}/repayments`, {
      key: p.key,
      headers: idempotencyHeader(),
      body: { amount: 100_000 },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_suspended');

    // The platform acting for the suspended account is refused too.
    const asPlatform = await gw.request('POST', `/v1/loans/${loanId}/repayments`, {
      ...platformFor(p, idempotencyHeader()),
      body: { amount: 100_000 },
    });
    expect(asPlatform.status).toBe(403);
    expect(asPlatform.body.code).toBe('account_suspended');
    // Even reads are refused while suspended; once unsuspended, the loan is as it was.
    expect((await gw.request('GET', `/v1/loans/${loanId}`, { key: p.key })).status).toBe(403);
    expect((await gw.request('POST', `/v1/accounts/${p.accountId}/unsuspend`)).status).toBe(200);
    expect(await loanOf(p, loanId)).toEqual(before);
    const repayments = await gw.request('GET', `/v1/loans/${loanId}/repayments`, { key: p.key });
    expect(repayments.body.data).toEqual([]);
  });

  it('403 account_suspended when the platform disburses for a suspended account; the loan stays pending', async () => {
    const p = await gw.createPartner();
    const loanId = await pendingLoan(p);
    expect((await gw.request('POST', `/v1/accounts/${p.accountId}/suspend`)).status).toBe(200);
    const res = await gw.request('POST', `/v1/loans/${loanId}/disburse`, platformFor(p, idempotencyHeader()));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_suspended');
    expect((await gw.request('POST', `/v1/accounts/${p.accountId}/unsuspend`)).status).toBe(200);
    expect(await loanOf(p, loanId)).toMatchObject({ status: 'pending_disbursement', disbursedAt: null });
    expect((await gw.request('GET', '/v1/wallets', { key: p.key })).body.data).toEqual([]);
  });
});
