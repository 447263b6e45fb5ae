import { type AssessmentTransaction, MAX_ASSESSMENT_TRANSACTIONS } from '@lendwire/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BALANCE_MAX_POINTS,
  CASH_FLOW_MAX_POINTS,
  CREDIT_BASE_SCORE,
  CREDIT_MAX_FACTOR_POINTS,
  CREDIT_MAX_SCORE,
  creditCategory,
  formatMinor,
  HISTORY_MAX_POINTS,
  INCOME_MAX_POINTS,
  MAX_REPORTED_ROW_ERRORS,
  parseTransactionHistory,
  REGULARITY_MAX_POINTS,
  scoreTransactions,
} from '../src/lending/credit.js';

/** The worked example of docs/credit-assessments.md. */
const WORKED_EXAMPLE: AssessmentTransaction[] = [
  { date: '2026-01-03', amount: 25_000_000, description: 'Salary ACME', balance: 27_000_000 },
  { date: '2026-01-15', amount: -8_000_000, description: 'Rent', balance: 19_000_000 },
  { date: '2026-02-03', amount: 25_000_000, description: 'Salary ACME', balance: 44_000_000 },
  { date: '2026-02-20', amount: -30_000_000, description: 'School fees', balance: 14_000_000 },
  { date: '2026-03-12', amount: -16_000_000, description: 'Generator repair', balance: -2_000_000 },
  { date: '2026-04-03', amount: 25_000_000, description: 'Salary ACME', balance: 23_000_000 },
  { date: '2026-04-25', amount: -6_000_000, description: 'Groceries, "market"', balance: 17_000_000 },
];

const WORKED_EXAMPLE_CSV = [
  'date,amount,description,balance',
  '2026-01-03,25000000,Salary ACME,27000000',
  '2026-01-15,-8000000,Rent,19000000',
  '2026-02-03,25000000,Salary ACME,44000000',
  '2026-02-20,-30000000,School fees,14000000',
  '2026-03-12,-16000000,Generator repair,-2000000',
  '2026-04-03,25000000,Salary ACME,23000000',
  '2026-04-25,-6000000,"Groceries, ""market""",17000000',
  '',
].join('\n');

describe('parseTransactionHistory: CSV', () => {
  it('reads the worked example exactly as the JSON rows', () => {
    expect(parseTransactionHistory({ csv: WORKED_EXAMPLE_CSV })).toEqual({ rows: WORKED_EXAMPLE, errors: [] });
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF line ends and a BOM', () => {
    const csv =
      '\uFEFFdate,amount,description\r\n' +
      '2026-01-01,100,"Transfer, from ""Ada"""\r\n' +
      '2026-01-02,-50,"two\r\nlines"\r\n' +
      '\r\n' +
      '2026-01-03,+7,plain\r\n';
    expect(parseTransactionHistory({ csv })).toEqual({
      rows: [
        { date: '2026-01-01', amount: 100, description: 'Transfer, from "Ada"' },
        { date: '2026-01-02', amount: -50, description: 'two\r\nlines' },
        { date: '2026-01-03', amount: 7, description: 'plain' },
      ],
      errors: [],
    });
  });

  it('accepts the columns in any order and in any case; balance is optional per row', () => {
    const csv = 'Balance,DESCRIPTION,Amount,date\n500,Deposit,500,2026-03-01\n,Fee,-20,2026-03-02\n';
    expect(parseTransactionHistory({ csv })).toEqual({
      rows: [
        { date: '2026-03-01', amount: 500, description: 'Deposit', balance: 500 },
        { date: '2026-03-02', amount: -20, description: 'Fee' },
      ],
      errors: [],
    });
  });

  it('refuses a header with a missing column, as row 0', () => {
    const result = parseTransactionHistory({ csv: 'date,description\n2026-01-01,x\n' });
    expect(result.rows).toEqual([]);
    expect(result.errors).toEqual([
      { row: 0, message: 'header: missing column amount (expected date,amount,description,balance, balance optional)' },
    ]);
  });

  it('refuses unknown columns, naming them, as row 0', () => {
    const result = parseTransactionHistory({ csv: 'date,amount,description,Reference,memo\n2026-01-01,1,x,r,m\n' });
    expect(result.rows).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.row).toBe(0);
    expect(result.errors[0]?.message).toContain('unknown columns "reference", "memo"');
  });

  it('refuses an empty file and an unclosed quote as row 0', () => {
    expect(parseTransactionHistory({ csv: '' }).errors).toEqual([
      { row: 0, message: 'csv must start with a header row: date,amount,description,balance' },
    ]);
    const unclosed = parseTransactionHistory({ csv: 'date,amount,description\n2026-01-01,1,"open\n' });
    expect(unclosed.rows).toEqual([]);
    expect(unclosed.errors[0]?.row).toBe(0);
    expect(unclosed.errors[0]?.message).toMatch(/^csv could not be read/);
  });

  it('skips bad rows, naming the 1-based data row and the field, and keeps the good ones', () => {
    const csv = [
      'date,amount,description,balance',
      '2026-01-01,100,ok,100',
      '2026-02-30,100,no such day,200',
      '2026-01-03,12.50,decimal amount,300',
      '01/04/2026,abc,both wrong,400',
      '2026-01-05,100,bad balance,1e3',
      '2026-01-06,100,too few',
      '2026-01-07,100,ok again,',
    ].join('\r\n');
    const result = parseTransactionHistory({ csv });
    expect(result.rows).toEqual([
      { date: '2026-01-01', amount: 100, description: 'ok', balance: 100 },
      { date: '2026-01-07', amount: 100, description: 'ok again' },
    ]);
    expect(result.errors).toEqual([
      { row: 2, message: 'row 2: date must be a date as YYYY-MM-DD' },
      { row: 3, message: 'row 3: amount must be an integer number of minor units' },
      {
        row: 4,
        message: 'row 4: date must be a date as YYYY-MM-DD; amount must be an integer number of minor units',
      },
      { row: 5, message: 'row 5: balance must be an integer number of minor units' },
      { row: 6, message: 'row 6: expected 4 fields, found 3' },
    ]);
  });

  it('refuses more than the row limit and does not read past it', () => {
    const line = '2026-01-01,1,x';
    const lines = Array.from({ length: MAX_ASSESSMENT_TRANSACTIONS + 3 }, () => line);
    // A bad row past the limit is never reported.
    lines.push('bad,bad,bad');
    const result = parseTransactionHistory({ csv: `date,amount,description\n${lines.join('\n')}` });
    expect(result.rows).toHaveLength(MAX_ASSESSMENT_TRANSACTIONS);
    expect(result.errors).toEqual([{ row: 0, message: 'at most 5000 rows; rows after row 5000 were not read' }]);
  });

  it('accepts exactly the row limit', () => {
    const lines = Array.from({ length: MAX_ASSESSMENT_TRANSACTIONS }, () => '2026-01-01,1,x');
    const result = parseTransactionHistory({ csv: `date,amount,description\n${lines.join('\n')}` });
    expect(result.rows).toHaveLength(MAX_ASSESSMENT_TRANSACTIONS);
    expect(result.errors).toEqual([]);
  });
});

describe('parseTransactionHistory: JSON rows', () => {
  it('keeps valid rows and names the row and field of each invalid one', () => {
    const result = parseTransactionHistory({
      transactions: [
        { date: '2026-01-01', amount: 100, description: 'ok' },
        { date: '2026-01-02', amount: 1.5, description: 'fraction' },
        { date: '2026-01-03', amount: '100', description: 'string amount' },
        { date: '2026-01-04', description: 'no amount' },
        { date: '2026-01-05', amount: 1, description: 'x'.repeat(201) },
        { date: '2026-01-06', amount: 1, description: 'extra', memo: 'nope' },
        'not an object',
        { date: '2026-01-08', amount: -5, description: 'ok', balance: -5 },
        { date: '2026-01-09', amount: 10 ** 13, description: 'too big' },
        { date: '2026-01-10', amount: 1, description: 'bad balance', balance: 0.5 },
      ],
    });
    expect(result.rows).toEqual([
      { date: '2026-01-01', amount: 100, description: 'ok' },
      { date: '2026-01-08', amount: -5, description: 'ok', balance: -5 },
    ]);
    expect(result.errors).toEqual([
      { row: 2, message: 'row 2: amount must be an integer number of minor units' },
      { row: 3, message: 'row 3: amount must be an integer number of minor units' },
      { row: 4, message: 'row 4: amount is required' },
      { row: 5, message: 'row 5: description must be at most 200 characters' },
      { row: 6, message: 'row 6: unknown field memo' },
      { row: 7, message: 'row 7: must be an object with date, amount and description' },
      { row: 9, message: 'row 9: amount must be between -10^12 and 10^12 minor units' },
      { row: 10, message: 'row 10: balance must be an integer number of minor units' },
    ]);
  });

  it('refuses more than the row limit as row 0 and validates only the first rows', () => {
    const transactions: unknown[] = Array.from({ length: MAX_ASSESSMENT_TRANSACTIONS }, () => ({
      date: '2026-01-01',
      amount: 1,
      description: 'x',
    }));
    transactions.push({ date: 'never read' });
    const result = parseTransactionHistory({ transactions });
    expect(result.rows).toHaveLength(MAX_ASSESSMENT_TRANSACTIONS);
    expect(result.errors).toEqual([{ row: 0, message: 'at most 5000 rows; rows after row 5000 were not read' }]);
  });

  it(`keeps at most ${MAX_REPORTED_ROW_ERRORS} errors, then says how many more`, () => {
    const transactions = Array.from({ length: 250 }, (_, i) => ({
      date: '2026-01-01',
      amount: i + 0.5,
      description: 'x',
    }));
    const result = parseTransactionHistory({ transactions });
    expect(result.rows).toEqual([]);
    expect(result.errors).toHaveLength(MAX_REPORTED_ROW_ERRORS + 1);
    expect(result.errors[0]).toEqual({ row: 1, message: 'row 1: amount must be an integer number of minor units' });
    expect(result.errors[MAX_REPORTED_ROW_ERRORS - 1]?.row).toBe(100);
    expect(result.errors[MAX_REPORTED_ROW_ERRORS]).toEqual({ row: 0, message: '…and 150 more errors' });
  });

  it('asks for exactly one of transactions or csv', () => {
    expect(parseTransactionHistory({}).errors).toEqual([{ row: 0, message: 'give either transactions or csv' }]);
    expect(parseTransactionHistory({ transactions: [], csv: 'date,amount,description' }).errors).toEqual([
      { row: 0, message: 'give either transactions or csv, not both' },
    ]);
  });
});

describe('scoreTransactions', () => {
  it('scores the worked example exactly as documented', () => {
    expect(scoreTransactions(WORKED_EXAMPLE)).toEqual({
      score: 673,
      category: 'good',
      breakdown: [
        {
          factor: 'income',
          points: 60,
          detail:
            'Inflows of 750,000.00 over 4 months average 187,500.00 a month; at least 100,000.00 a month earns 60 of 150 points.',
        },
        {
          factor: 'income_regularity',
          points: 112,
          detail: '3 of 4 months had at least one inflow: 150 × 3 / 4 = 112 points (rounded down).',
        },
        {
          factor: 'net_cash_flow',
          points: 100,
          detail:
            'Inflows of 750,000.00 against outflows of 600,000.00 (125% of outflows, rounded down); at least 120% earns 100 of 100 points.',
        },
        {
          factor: 'balance_health',
          points: 85,
          detail: '6 of 7 rows with a balance were at or above zero: 100 × 6 / 7 = 85 points (rounded down).',
        },
        {
          factor: 'history_length',
          points: 16,
          detail:
            'The history covers 4 months (2026-01 to 2026-04); 50 × 4 / 12 = 16 points (rounded down, 12 months or more earn all 50).',
        },
      ],
    });
  });

  it('scores an empty history 300 and says why', () => {
    const result = scoreTransactions([]);
    expect(result.score).toBe(300);
    expect(result.category).toBe('poor');
    expect(result.breakdown.map((f) => f.factor)).toEqual([
      'income',
      'income_regularity',
      'net_cash_flow',
      'balance_health',
      'history_length',
    ]);
    for (const factor of result.breakdown) {
      expect(factor.points).toBe(0);
      expect(factor.detail).toBe('No transactions were given, so this factor earns no points.');
    }
  });

  it('reaches 850 with a year of high, regular income, surplus and positive balances', () => {
    const rows: AssessmentTransaction[] = [];
    for (let m = 1; m <= 12; m++) {
      const month = String(m).padStart(2, '0');
      rows.push({ date: `2025-${month}-01`, amount: 200_000_000, description: 'Salary', balance: 250_000_000 });
      rows.push({ date: `2025-${month}-15`, amount: -100_000_000, description: 'Spend', balance: 150_000_000 });
    }
    const result = scoreTransactions(rows);
    expect(result.breakdown.map((f) => f.points)).toEqual([
      INCOME_MAX_POINTS,
      REGULARITY_MAX_POINTS,
      CASH_FLOW_MAX_POINTS,
      BALANCE_MAX_POINTS,
      HISTORY_MAX_POINTS,
    ]);
    expect(result).toMatchObject({ score: 850, category: 'excellent' });
  });

  it('gives no balance points when no row carries a balance, and top cash flow with no outflows', () => {
    const result = scoreTransactions([{ date: '2026-05-09', amount: 1_000_000, description: 'Gift' }]);
    const byFactor = Object.fromEntries(result.breakdown.map((f) => [f.factor, f]));
    expect(byFactor.balance_health).toEqual({
      factor: 'balance_health',
      points: 0,
      detail: 'No row gave a balance, so this factor earns no points.',
    });
    expect(byFactor.net_cash_flow?.points).toBe(100);
    expect(byFactor.income?.points).toBe(20);
    expect(byFactor.history_length?.detail).toContain('1 month (2026-05)');
  });

  it('has factor maxima that add up to the room above the base', () => {
    expect(
      INCOME_MAX_POINTS + REGULARITY_MAX_POINTS + CASH_FLOW_MAX_POINTS + BALANCE_MAX_POINTS + HISTORY_MAX_POINTS,
    ).toBe(CREDIT_MAX_FACTOR_POINTS);
    expect(CREDIT_BASE_SCORE + CREDIT_MAX_FACTOR_POINTS).toBe(CREDIT_MAX_SCORE);
  });

  it('formats minor units with two decimals', () => {
    expect(formatMinor(0n)).toBe('0.00');
    expect(formatMinor(5n)).toBe('0.05');
    expect(formatMinor(123_456_789n)).toBe('1,234,567.89');
    expect(formatMinor(-100n)).toBe('-1.00');
  });
});

describe('creditCategory', () => {
  it.each([
    [300, 'poor'],
    [579, 'poor'],
    [580, 'fair'],
    [669, 'fair'],
    [670, 'good'],
    [739, 'good'],
    [740, 'very_good'],
    [799, 'very_good'],
    [800, 'excellent'],
    [850, 'excellent'],
  ] as const)('%i is %s', (score, category) => {
    expect(creditCategory(score)).toBe(category);
  });
});

describe('scoreTransactions properties', () => {
  const dateArb = fc
    .record({
      year: fc.integer({ min: 2020, max: 2027 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
    })
    .map(({ year, month, day }) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  const rowArb: fc.Arbitrary<AssessmentTransaction> = fc.record(
    {
      date: dateArb,
      amount: fc.oneof(
        fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 }),
        fc.integer({ min: -50_000_000, max: 50_000_000 }),
      ),
      description: fc.string({ maxLength: 20 }),
      balance: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
    },
    { requiredKeys: ['date', 'amount', 'description'] },
  );
  const historyArb = fc.array(rowArb, { maxLength: 60 });

  it('always gives an integer score in 300-850 equal to the base plus the points, with its category', () => {
    fc.assert(
      fc.property(historyArb, (rows) => {
        const { score, category, breakdown } = scoreTransactions(rows);
        expect(Number.isInteger(score)).toBe(true);
        expect(score).toBeGreaterThanOrEqual(CREDIT_BASE_SCORE);
        expect(score).toBeLessThanOrEqual(CREDIT_MAX_SCORE);
        expect(score).toBe(CREDIT_BASE_SCORE + breakdown.reduce((sum, f) => sum + f.points, 0));
        for (const f of breakdown) {
          expect(Number.isInteger(f.points)).toBe(true);
          expect(f.points).toBeGreaterThanOrEqual(0);
        }
        expect(category).toBe(creditCategory(score));
      }),
    );
  });

  it('is deterministic: the same rows, in any order, give the same result', () => {
    fc.assert(
      fc.property(historyArb, (rows) => {
        const first = scoreTransactions(rows);
        expect(scoreTransactions(structuredClone(rows))).toEqual(first);
        expect(scoreTransactions([...rows].reverse())).toEqual(first);
      }),
    );
  });

  it('never lowers the income-regularity points when one more month of income is added', () => {
    fc.assert(
      fc.property(historyArb, fc.integer({ min: 1, max: 1_000_000_000 }), (rows, income) => {
        const regularity = (history: AssessmentTransaction[]) =>
          scoreTransactions(history).breakdown.find((f) => f.factor === 'income_regularity')?.points ?? -1;
        const last =
          rows
            .map((r) => r.date)
            .sort()
            .at(-1) ?? '2026-01-15';
        const year = Number(last.slice(0, 4));
        const month = Number(last.slice(5, 7));
        const next = month === 12 ? `${year + 1}-01-15` : `${year}-${String(month + 1).padStart(2, '0')}-15`;
        const extended = [...rows, { date: next, amount: income, description: 'Salary' }];
        expect(regularity(extended)).toBeGreaterThanOrEqual(regularity(rows));
      }),
    );
  });
});
