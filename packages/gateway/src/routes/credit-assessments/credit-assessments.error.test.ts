import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { createCustomer } from '../../../test/support/lending.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

const UNKNOWN_CUSTOMER = 'cus_01jd8x3k5w9q4r7t2m6n0p8s1v';
const ROW = { date: '2026-01-02', amount: 25_000_000, description: 'Salary', balance: 25_000_000 };
const CSV = 'date,amount,description\n2026-01-02,25000000,Salary\n';

const post = (body: unknown, p: Partner = partner) =>
  gw.request('POST', '/v1/credit-assessments', { key: p.key, body });

const paths = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path);

/** The partner's assessments and upload events: both must stay empty after a refused request. */
async function nothingCreated(p: Partner) {
  expect((await gw.request('GET', '/v1/credit-assessments', { key: p.key })).body.data).toEqual([]);
  const events = await gw.request('GET', '/v1/events?type=transaction_history.uploaded', { key: p.key });
  expect(events.body.data).toEqual([]);
}

describe('credit assessments: bad input', () => {
  it('400 naming body.csv when both transactions and csv are given', async () => {
    const p = await gw.createPartner();
    const res = await post({ transactions: [ROW], csv: CSV }, p);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    const error = res.body.errors.find((e: { path: string }) => e.path === 'body.csv');
    expect(error.message).toContain('not both');
    await nothingCreated(p);
  });

  it('400 naming body.transactions when neither is given', async () => {
    const res = await post({ customerId: (await createCustomer(gw, partner)).id });
    expect(res.status).toBe(400);
    const error = res.body.errors.find((e: { path: string }) => e.path === 'body.transactions');
    expect(error.message).toContain('either transactions or csv');
  });

  it('400 for an empty body', async () => {
    const res = await post({});
    expect(res.status).toBe(400);
    expect(paths(res)).toContain('body.transactions');
  });

  it.each([
    [{ ...ROW, date: '02/01/2026' }, 'body.transactions.0.date'],
    [{ ...ROW, amount: 12.5 }, 'body.transactions.0.amount'],
    [{ ...ROW, amount: '100' }, 'body.transactions.0.amount'],
    [{ ...ROW, description: 'x'.repeat(201) }, 'body.transactions.0.description'],
    [{ date: '2026-01-02', amount: 1 }, 'body.transactions.0.description'],
    [{ ...ROW, balance: 1.5 }, 'body.transactions.0.balance'],
  ])('400 for the JSON row %j naming %s', async (row, path) => {
    const res = await post({ transactions: [row] });
    expect(res.status).toBe(400);
    expect(paths(res)).toContain(path);
  });

  it('400 for an unknown field in a JSON row and in the body', async () => {
    const row = await post({ transactions: [{ ...ROW, category: 'salary' }] });
    expect(row.status).toBe(400);
    const body = await post({ transactions: [ROW], score: 850 });
    expect(body.status).toBe(400);
  });

  it('400 for more than 5000 JSON rows', async () => {
    const res = await post({ transactions: Array.from({ length: 5001 }, () => ROW) });
    expect(res.status).toBe(400);
    expect(paths(res).some((p) => p.startsWith('body.transactions'))).toBe(true);
  });

  it('400 for a malformed customerId', async () => {
    const res = await post({ customerId: 'ba_01jd8x3k5w9q4r7t2m6n0p8s1v', transactions: [ROW] });
    expect(res.status).toBe(400);
    expect(paths(res)).toContain('body.customerId');
  });

  it('422 when no CSV row is valid, naming the rows, and nothing is created', async () => {
    const p = await gw.createPartner();
    const csv = 'date,amount,description\n2026-13-01,100,Bad month\n2026-01-02,abc,Not a number\n';
    const res = await post({ csv }, p);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unprocessable');
    expect(res.body.detail).toContain('no valid rows');
    expect(res.body.detail).toContain('row 1');
    expect(res.body.detail).toContain('row 2');
    await nothingCreated(p);
  });

  it.each([
    ['a header-only CSV', 'date,amount,description\n'],
    ['an empty CSV', ''],
    ['a CSV with an unknown column', 'date,amount,memo\n2026-01-02,100,x\n'],
    ['a CSV with an unclosed quote', 'date,amount,description\n2026-01-02,100,"unclosed\n'],
  ])('422 for %s', async (_name, csv) => {
    const p = await gw.createPartner();
    const res = await post({ csv }, p);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unprocessable');
    expect(res.body.detail).toContain('no valid rows');
    await nothingCreated(p);
  });

  it('413 payload_too_large for a CSV over 1 MiB, with a clear message', async () => {
    const p = await gw.createPartner();
    const line = '2026-01-02,100,Coffee at the corner shop\n';
    const csv = `date,amount,description\n${line.repeat(Math.ceil((1024 * 1024) / line.length) + 1)}`;
    expect(csv.length).toBeGreaterThan(1024 * 1024);
    const res = await post({ csv }, p);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
    expect(res.body.detail).toContain('1048576 bytes');
    await nothingCreated(p);
  });

  it('a CSV of 5000 rows just under 1 MiB (once JSON-escaped) is accepted', async () => {
    const p = await gw.createPartner();
    const line = `2026-01-02,100,${'x'.repeat(190)}\n`;
    const csv = `date,amount,description\n${line.repeat(5000)}`;
    const bodyBytes = Buffer.byteLength(JSON.stringify({ csv }));
    expect(bodyBytes).toBeGreaterThan(1_000_000);
    expect(bodyBytes).toBeLessThan(1024 * 1024);
    const res = await post({ csv }, p);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ rowsAccepted: 5000, errors: [] });
  });

  it('404 for a well-formed unknown customer, and nothing is created', async () => {
    const p = await gw.createPartner();
    const res = await post({ customerId: UNKNOWN_CUSTOMER, transactions: [ROW] }, p);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect(res.body.detail).toContain(UNKNOWN_CUSTOMER);
    await nothingCreated(p);
  });

  it('400 naming path.id for a malformed id, 404 for an unknown one', async () => {
    const bad = await gw.request('GET', '/v1/credit-assessments/not-an-id', { key: partner.key });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('path.id');
    const unknown = await gw.request('GET', '/v1/credit-assessments/ca_01jd8x3k5w9q4r7t2m6n0p8s1v', {
      key: partner.key,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
  });

  it('400 for a malformed customerId filter', async () => {
    const res = await gw.request('GET', '/v1/credit-assessments?customerId=nope', { key: partner.key });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('query.customerId');
  });
});
