import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { advanceClock, createCustomer } from '../../../test/support/lending.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

/**
 * Three months (Jan-Mar 2026) of a 250,000.00 salary and 100,000.00 rent, balances all positive:
 * income 90 (avg 250,000.00/month) + regularity 150 + cash flow 100 (250%) + balance 100 + history
 * 12 (50 × 3 / 12) = 300 + 452 = 752, `very_good`.
 */
const ROWS = [
  { date: '2026-01-02', amount: 25_000_000, description: 'Salary ACME', balance: 27_000_000 },
  { date: '2026-01-05', amount: -10_000_000, description: 'Rent', balance: 17_000_000 },
  { date: '2026-02-02', amount: 25_000_000, description: 'Salary ACME', balance: 42_000_000 },
  { date: '2026-02-05', amount: -10_000_000, description: 'Rent', balance: 32_000_000 },
  { date: '2026-03-02', amount: 25_000_000, description: 'Salary ACME', balance: 57_000_000 },
  { date: '2026-03-05', amount: -10_000_000, description: 'Rent', balance: 47_000_000 },
];
const EXPECTED_SCORE = 752;

const toCsv = (rows: typeof ROWS) =>
  ['date,amount,description,balance', ...rows.map((r) => `${r.date},${r.amount},${r.description},${r.balance}`)].join(
    '\n',
  );

async function assess(p: Partner, body: Record<string, unknown>) {
  const res = await gw.request('POST', '/v1/credit-assessments', { key: p.key, body });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; [k: string]: any };
}

async function get(p: Partner, id: string) {
  const res = await gw.request('GET', `/v1/credit-assessments/${id}`, { key: p.key });
  expect(res.status).toBe(200);
  return res.body;
}

async function events(p: Partner, type: string) {
  const res = await gw.request('GET', `/v1/events?type=${type}&limit=100`, { key: p.key });
  expect(res.status).toBe(200);
  return (res.body.data as { type: string; data: { object: any } }[]).reverse();
}

describe('credit assessments: upload and scoring', () => {
  it('JSON rows: 201 pending (transaction_history.uploaded), then completed and scored after a clock advance', async () => {
    const p = await gw.createPartner();
    const customer = await createCustomer(gw, p);
    const created = await assess(p, { customerId: customer.id, transactions: ROWS });
    expect(created).toMatchObject({
      object: 'credit_assessment',
      customerId: customer.id,
      status: 'pending',
      score: null,
      category: null,
      breakdown: [],
      rowsAccepted: ROWS.length,
      errors: [],
      livemode: false,
    });
    expect(created.id).toMatch(/^ca_[0-9a-z]{26}$/);
    const uploaded = await events(p, 'transaction_history.uploaded');
    expect(uploaded).toHaveLength(1);
    expect(uploaded[0]!.data.object).toMatchObject({ id: created.id, status: 'pending', rowsAccepted: ROWS.length });
    expect(await events(p, 'credit_assessment.*')).toEqual([]);

    await advanceClock(gw, p, 1);
    const done = await get(p, created.id);
    expect(done).toMatchObject({ id: created.id, status: 'completed', score: EXPECTED_SCORE, category: 'very_good' });
    expect(done.score).toBeGreaterThanOrEqual(300);
    expect(done.score).toBeLessThanOrEqual(850);
    expect(done.breakdown.map((f: { factor: string }) => f.factor)).toEqual([
      'income',
      'income_regularity',
      'net_cash_flow',
      'balance_health',
      'history_length',
    ]);
    const points = done.breakdown.reduce((sum: number, f: { points: number }) => sum + f.points, 0);
    expect(300 + points).toBe(done.score);
    for (const factor of done.breakdown) expect(factor.detail.length).toBeGreaterThan(0);

    const completed = await events(p, 'credit_assessment.completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]!.data.object).toMatchObject({ id: created.id, status: 'completed', score: EXPECTED_SCORE });

    // A second advance does not score it again.
    await advanceClock(gw, p, 1);
    expect(await events(p, 'credit_assessment.completed')).toHaveLength(1);
  });

  it('CSV: the same rows give the same score, category and breakdown as JSON, in any order', async () => {
    const p = await gw.createPartner();
    const customer = await createCustomer(gw, p);
    const fromJson = await assess(p, { customerId: customer.id, transactions: ROWS });
    const fromCsv = await assess(p, { customerId: customer.id, csv: toCsv(ROWS) });
    const shuffled = await assess(p, { customerId: customer.id, csv: toCsv([...ROWS].reverse()) });
    expect(fromCsv).toMatchObject({ status: 'pending', rowsAccepted: ROWS.length, errors: [] });
    await advanceClock(gw, p, 1);
    const [a, b, c] = await Promise.all([fromJson, fromCsv, shuffled].map((x) => get(p, x.id)));
    expect(a.status).toBe('completed');
    expect(b.status).toBe('completed');
    expect(b.score).toBe(EXPECTED_SCORE);
    expect(b.score).toBe(a.score);
    expect(c.score).toBe(a.score);
    expect(b.category).toBe(a.category);
    expect(b.breakdown).toEqual(a.breakdown);
    expect(c.breakdown).toEqual(a.breakdown);
    const uploaded = await events(p, 'transaction_history.uploaded');
    expect(uploaded.map((e) => e.data.object.id)).toEqual([fromJson.id, fromCsv.id, shuffled.id]);
  });

  it('a different history gives a different score (the score depends on the rows)', async () => {
    const p = await gw.createPartner();
    const poor = await assess(p, {
      transactions: [
        { date: '2026-01-02', amount: 100_000, description: 'Gift', balance: -50_000 },
        { date: '2026-01-20', amount: -900_000, description: 'Rent', balance: -950_000 },
      ],
    });
    await advanceClock(gw, p, 1);
    const done = await get(p, poor.id);
    expect(done.status).toBe('completed');
    expect(done.score).toBeLessThan(EXPECTED_SCORE);
    expect(done.score).toBeGreaterThanOrEqual(300);
    expect(done.category).toBe('poor');
  });

  it('CSV with bad rows: 201, errors name each bad row, rowsAccepted counts the good ones', async () => {
    const p = await gw.createPartner();
    const customer = await createCustomer(gw, p);
    const csv = [
      'date,amount,description,balance',
      '2026-01-02,25000000,Salary ACME,27000000',
      '2026-01-05,12.50,Coffee,26999000',
      '2026-02-02,25000000,Salary ACME,52000000',
      '2026-02-30,-100,Bad date,51999900',
      '2026-03-02,25000000,Salary ACME,77000000',
    ].join('\r\n');
    const created = await assess(p, { customerId: customer.id, csv });
    expect(created.status).toBe('pending');
    expect(created.rowsAccepted).toBe(3);
    expect(created.errors).toHaveLength(2);
    expect(created.errors[0]).toMatchObject({ row: 2 });
    expect(created.errors[0].message).toContain('row 2');
    expect(created.errors[0].message).toContain('amount');
    expect(created.errors[1]).toMatchObject({ row: 4 });
    expect(created.errors[1].message).toContain('row 4');
    expect(created.errors[1].message).toContain('date');

    await advanceClock(gw, p, 1);
    const done = await get(p, created.id);
    expect(done).toMatchObject({ status: 'completed', rowsAccepted: 3 });
    expect(done.errors).toEqual(created.errors);
    expect(done.score).toBeGreaterThanOrEqual(300);
  });

  it('without customerId the account itself is assessed (customerId null)', async () => {
    const p = await gw.createPartner();
    const created = await assess(p, { transactions: ROWS });
    expect(created.customerId).toBeNull();
    await advanceClock(gw, p, 1);
    const done = await get(p, created.id);
    expect(done).toMatchObject({ customerId: null, status: 'completed', score: EXPECTED_SCORE });
  });
});

describe('credit assessments: list and get', () => {
  it('GET /v1/credit-assessments lists newest first, filters by customerId and paginates', async () => {
    const p = await gw.createPartner();
    const ada = await createCustomer(gw, p, 'Ada');
    const bola = await createCustomer(gw, p, 'Bola');
    const a1 = await assess(p, { customerId: ada.id, transactions: ROWS });
    const b1 = await assess(p, { customerId: bola.id, csv: toCsv(ROWS) });
    const own = await assess(p, { transactions: ROWS });

    const all = await gw.request('GET', '/v1/credit-assessments', { key: p.key });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ object: 'list', hasMore: false });
    expect(all.body.data.map((x: { id: string }) => x.id)).toEqual([own.id, b1.id, a1.id]);

    const forAda = await gw.request('GET', `/v1/credit-assessments?customerId=${ada.id}`, { key: p.key });
    expect(forAda.body.data.map((x: { id: string }) => x.id)).toEqual([a1.id]);

    const page1 = await gw.request('GET', '/v1/credit-assessments?limit=2', { key: p.key });
    expect(page1.body.data.map((x: { id: string }) => x.id)).toEqual([own.id, b1.id]);
    expect(page1.body.hasMore).toBe(true);
    const page2 = await gw.request('GET', `/v1/credit-assessments?limit=2&startingAfter=${page1.body.nextCursor}`, {
      key: p.key,
    });
    expect(page2.body.data.map((x: { id: string }) => x.id)).toEqual([a1.id]);
    expect(page2.body.hasMore).toBe(false);

    const one = await gw.request('GET', `/v1/credit-assessments/${b1.id}`, { key: p.key });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(b1);
    // Uploaded rows are not echoed back.
    expect(one.text).not.toContain('Salary ACME');
  });
});
