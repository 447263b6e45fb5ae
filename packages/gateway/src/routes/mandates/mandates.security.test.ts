import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { activeLoan, advanceClock, createCustomer } from '../../../test/support/lending.js';
import { authMatrix } from '../../../test/support/security.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const DAY = 86_400;
const WELL_FORMED_MANDATE = 'mdt_01jd8x3k5w9q4r7t2m6n0p8s1v';
const mandateBody = (customerId: string, last4 = '1234') => ({
  customerId,
  bankCode: '058',
  accountNumber: `012345${last4}`,
  accountName: 'Ada Obi',
});

async function createMandate(p: Partner, customerId: string, last4 = '1234') {
  const res = await gw.request('POST', '/v1/mandates', { key: p.key, body: mandateBody(customerId, last4) });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; [k: string]: unknown };
}

describe('POST /v1/mandates', () =>
  authMatrix(
    () => gw,
    () => ({
      method: 'POST',
      path: '/v1/mandates',
      scope: 'loans:write',
      body: mandateBody('cus_01jd8x3k5w9q4r7t2m6n0p8s1v'),
    }),
  ));
describe('GET /v1/mandates', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: '/v1/mandates', scope: 'loans:read' }),
  ));
describe('POST /v1/mandates/{id}/cancel', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'POST', path: `/v1/mandates/${WELL_FORMED_MANDATE}/cancel`, scope: 'loans:write' }),
  ));

describe('mandates: scopes, tenancy and modes', () => {
  it('a loans:read key can read but neither create nor cancel (403 naming loans:write)', async () => {
    const p = await gw.createPartner();
    const customer = await createCustomer(gw, p);
    const mandate = await createMandate(p, customer.id);
    await advanceClock(gw, p, 1);
    const reader = await gw.createKey(p.accountId, { scopes: ['loans:read'] });

    const create = await gw.request('POST', '/v1/mandates', { key: reader.secret, body: mandateBody(customer.id) });
    expect(create.status).toBe(403);
    expect(create.body.code).toBe('insufficient_scope');
    expect(create.body.detail).toContain('loans:write');

    const cancel = await gw.request('POST', `/v1/mandates/${mandate.id}/cancel`, { key: reader.secret });
    expect(cancel.status).toBe(403);
    expect(cancel.body.code).toBe('insufficient_scope');
    expect(cancel.body.detail).toContain('loans:write');

    const got = await gw.request('GET', `/v1/mandates/${mandate.id}`, { key: reader.secret });
    expect(got.status).toBe(200);
    expect(got.body.status).toBe('active');
    const listed = await gw.request('GET', '/v1/mandates', { key: reader.secret });
    expect(listed.body.data.map((m: { id: string }) => m.id)).toEqual([mandate.id]);
  });

  it('another tenant’s mandate is 404 to get and to cancel, and absent from its list', async () => {
    const a = await gw.createPartner();
    const customer = await createCustomer(gw, a);
    const mandate = await createMandate(a, customer.id);
    await advanceClock(gw, a, 1);
    const b = await gw.createPartner();

    const got = await gw.request('GET', `/v1/mandates/${mandate.id}`, { key: b.key });
    expect(got.status).toBe(404);
    expect(got.body.code).toBe('not_found');
    const cancel = await gw.request('POST', `/v1/mandates/${mandate.id}/cancel`, { key: b.key });
    expect(cancel.status).toBe(404);
    expect(cancel.body.code).toBe('not_found');
    const listed = await gw.request('GET', `/v1/mandates?customerId=${customer.id}`, { key: b.key });
    expect(listed.body.data).toEqual([]);
    expect((await gw.request('GET', `/v1/mandates/${mandate.id}`, { key: a.key })).body.status).toBe('active');
  });

  it('404 for a mandate on another tenant’s customer, and nothing is created', async () => {
    const a = await gw.createPartner();
    const customer = await createCustomer(gw, a);
    const b = await gw.createPartner();
    const res = await gw.request('POST', '/v1/mandates', { key: b.key, body: mandateBody(customer.id) });
    expect(res.status).toBe(404);
    expect((await gw.request('GET', '/v1/mandates', { key: b.key })).body.data).toEqual([]);
    expect((await gw.request('GET', '/v1/mandates', { key: a.key })).body.data).toEqual([]);
  });

  it('a live key of the same account cannot see test mandates', async () => {
    const p = await gw.createPartner();
    const customer = await createCustomer(gw, p);
    const mandate = await createMandate(p, customer.id);
    const live = await gw.createKey(p.accountId, {}, true);
    const got = await gw.request('GET', `/v1/mandates/${mandate.id}`, { key: live.secret });
    expect(got.status).toBe(404);
    const listed = await gw.request('GET', '/v1/mandates', { key: live.secret });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([]);
    const cancel = await gw.request('POST', `/v1/mandates/${mandate.id}/cancel`, { key: live.secret });
    expect(cancel.status).toBe(404);
  });

  it('a cancelled mandate is not collected from: no repayment past the due date', async () => {
    const p = await gw.createPartner();
    const { customerId, loanId } = await activeLoan(gw, p);
    const mandate = await createMandate(p, customerId, '1234');
    const now = await advanceClock(gw, p, 1);
    const cancel = await gw.request('POST', `/v1/mandates/${mandate.id}/cancel`, { key: p.key });
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('cancelled');

    const schedule = await gw.request('GET', `/v1/loans/${loanId}/schedule`, { key: p.key });
    const first = schedule.body.data[0] as { dueDate: string };
    // Two days past the first due date (past the first retry too).
    const seconds = Math.round((Date.parse(`${first.dueDate}T00:00:00Z`) - now.getTime()) / 1000) + 2 * DAY;
    await advanceClock(gw, p, seconds);

    const repayments = await gw.request('GET', `/v1/loans/${loanId}/repayments`, { key: p.key });
    expect(repayments.status).toBe(200);
    expect(repayments.body.data).toEqual([]);
    const events = await gw.request('GET', '/v1/events?type=repayment.*&limit=100', { key: p.key });
    const types = events.body.data.map((e: { type: string }) => e.type);
    expect(types).not.toContain('repayment.succeeded');
    expect(types).not.toContain('repayment.failed');
    // The reminder still goes out, but names no mandate.
    const upcoming = events.body.data.find((e: { type: string }) => e.type === 'repayment.upcoming');
    expect(upcoming?.data.object.mandateId).toBeNull();
    const after = await gw.request('GET', `/v1/loans/${loanId}/schedule`, { key: p.key });
    expect(after.body.data[0]).toMatchObject({ status: 'overdue', paid: { amount: 0 } });
  });
});
