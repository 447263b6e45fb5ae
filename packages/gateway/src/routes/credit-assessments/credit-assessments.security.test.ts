import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { advanceClock, createCustomer } from '../../../test/support/lending.js';
import { authMatrix } from '../../../test/support/security.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const ROWS = [
  { date: '2026-01-02', amount: 25_000_000, description: 'Salary', balance: 25_000_000 },
  { date: '2026-01-05', amount: -10_000_000, description: 'Rent', balance: 15_000_000 },
];

async function assess(p: Partner, body: Record<string, unknown> = { transactions: ROWS }) {
  const res = await gw.request('POST', '/v1/credit-assessments', { key: p.key, body });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; [k: string]: unknown };
}

describe('POST /v1/credit-assessments', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'POST', path: '/v1/credit-assessments', scope: 'loans:write', body: { transactions: ROWS } }),
  ));
describe('GET /v1/credit-assessments', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: '/v1/credit-assessments', scope: 'loans:read' }),
  ));
describe('GET /v1/credit-assessments/{id}', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: '/v1/credit-assessments/ca_01jd8x3k5w9q4r7t2m6n0p8s1v', scope: 'loans:read' }),
  ));

describe('credit assessments: scopes, tenancy and modes', () => {
  it('a loans:read key can read but not create (403 naming loans:write), and nothing is created', async () => {
    const p = await gw.createPartner();
    const existing = await assess(p);
    const reader = await gw.createKey(p.accountId, { scopes: ['loans:read'] });
    const res = await gw.request('POST', '/v1/credit-assessments', {
      key: reader.secret,
      body: { transactions: ROWS },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.body.detail).toContain('loans:write');
    const listed = await gw.request('GET', '/v1/credit-assessments', { key: reader.secret });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((a: { id: string }) => a.id)).toEqual([existing.id]);
    const got = await gw.request('GET', `/v1/credit-assessments/${existing.id}`, { key: reader.secret });
    expect(got.status).toBe(200);
  });

  it('another tenant’s assessment is 404 and absent from its list, before and after scoring', async () => {
    const a = await gw.createPartner();
    const customer = await createCustomer(gw, a);
    const mine = await assess(a, { customerId: customer.id, transactions: ROWS });
    const b = await gw.createPartner();
    const before = await gw.request('GET', `/v1/credit-assessments/${mine.id}`, { key: b.key });
    expect(before.status).toBe(404);
    expect(before.body.code).toBe('not_found');

    // B's clock advance scores only B's work: A's assessment stays pending.
    await advanceClock(gw, b, 1);
    expect((await gw.request('GET', `/v1/credit-assessments/${mine.id}`, { key: a.key })).body.status).toBe('pending');
    await advanceClock(gw, a, 1);
    expect((await gw.request('GET', `/v1/credit-assessments/${mine.id}`, { key: a.key })).body.status).toBe(
      'completed',
    );

    const after = await gw.request('GET', `/v1/credit-assessments/${mine.id}`, { key: b.key });
    expect(after.status).toBe(404);
    const listed = await gw.request('GET', `/v1/credit-assessments?customerId=${customer.id}`, { key: b.key });
    expect(listed.body.data).toEqual([]);
    expect((await gw.request('GET', '/v1/credit-assessments', { key: b.key })).body.data).toEqual([]);
    const events = await gw.request('GET', '/v1/events?type=credit_assessment.*', { key: b.key });
    expect(events.body.data).toEqual([]);
  });

  it('404 for an assessment of another tenant’s customer, and nothing is created', async () => {
    const a = await gw.createPartner();
    const customer = await createCustomer(gw, a);
    const b = await gw.createPartner();
    const res = await gw.request('POST', '/v1/credit-assessments', {
      key: b.key,
      body: { customerId: customer.id, transactions: ROWS },
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect((await gw.request('GET', '/v1/credit-assessments', { key: b.key })).body.data).toEqual([]);
    expect((await gw.request('GET', '/v1/credit-assessments', { key: a.key })).body.data).toEqual([]);
  });

  it('a live key of the same account cannot see test assessments', async () => {
    const p = await gw.createPartner();
    const test = await assess(p);
    const live = await gw.createKey(p.accountId, {}, true);
    const got = await gw.request('GET', `/v1/credit-assessments/${test.id}`, { key: live.secret });
    expect(got.status).toBe(404);
    const listed = await gw.request('GET', '/v1/credit-assessments', { key: live.secret });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([]);
  });
});
