/**
 * Credit scoring from an uploaded transaction history (see docs/credit-assessments.md).
 *
 * Pure and deterministic: no clock, no randomness, no floating point in the score. Sums are taken in
 * `bigint` and every ratio is compared or divided exactly on integers, so the same history gives the
 * same score, category and breakdown on Node and on Cloudflare workerd. The score depends only on the
 * set of rows, not on their order.
 *
 * score = {@link CREDIT_BASE_SCORE} + the points of five factors (each at least 0, together at most
 * {@link CREDIT_MAX_FACTOR_POINTS}), so it always lies in 300-850.
 */
import {
  type AssessmentTransaction,
  AssessmentTransactionSchema,
  type CreditCategory,
  MAX_ASSESSMENT_CSV_LENGTH,
  MAX_ASSESSMENT_TRANSACTIONS,
} from '@lendwire/contract';
import { parse as parseCsv } from 'csv-parse/browser/esm/sync';

// ---------------------------------------------------------------------------------------------
// Constants of the formula
// ---------------------------------------------------------------------------------------------

/** Score of a history that earns no points. */
export const CREDIT_BASE_SCORE = 300;
/** Highest possible score. */
export const CREDIT_MAX_SCORE = 850;
/** Most points the factors can add to the base, together. */
export const CREDIT_MAX_FACTOR_POINTS = CREDIT_MAX_SCORE - CREDIT_BASE_SCORE;

/** Most points of the `income` factor. */
export const INCOME_MAX_POINTS = 150;
/**
 * `income`: average inflow per month of the history (total inflows ÷ months covered), in minor units,
 * against these bands, highest first; below the last band the factor earns 0.
 */
export const INCOME_BANDS: readonly { minMonthlyInflow: number; points: number }[] = [
  { minMonthlyInflow: 100_000_000, points: 150 },
  { minMonthlyInflow: 50_000_000, points: 120 },
  { minMonthlyInflow: 25_000_000, points: 90 },
  { minMonthlyInflow: 10_000_000, points: 60 },
  { minMonthlyInflow: 5_000_000, points: 40 },
  { minMonthlyInflow: 1_000_000, points: 20 },
];

/** Most points of the `income_regularity` factor: earned in proportion to months with an inflow. */
export const REGULARITY_MAX_POINTS = 150;

/** Most points of the `net_cash_flow` factor. */
export const CASH_FLOW_MAX_POINTS = 100;
/**
 * `net_cash_flow`: total inflows as a percentage of total outflows, against these bands, highest
 * first; below the last band the factor earns 0. Inflows with no outflows earn the top band.
 */
export const CASH_FLOW_BANDS: readonly { minInflowPercent: number; points: number }[] = [
  { minInflowPercent: 120, points: 100 },
  { minInflowPercent: 110, points: 80 },
  { minInflowPercent: 100, points: 60 },
  { minInflowPercent: 90, points: 30 },
  { minInflowPercent: 75, points: 10 },
];

/** Most points of the `balance_health` factor: earned in proportion to balances at or above zero. */
export const BALANCE_MAX_POINTS = 100;

/** Most points of the `history_length` factor: earned in proportion to months covered, up to a cap. */
export const HISTORY_MAX_POINTS = 50;
/** Months of history that earn the full `history_length` points. */
export const HISTORY_FULL_MONTHS = 12;

/** Lowest score of each category, highest first. */
export const CREDIT_CATEGORY_BANDS: readonly { minScore: number; category: CreditCategory }[] = [
  { minScore: 800, category: 'excellent' },
  { minScore: 740, category: 'very_good' },
  { minScore: 670, category: 'good' },
  { minScore: 580, category: 'fair' },
  { minScore: 300, category: 'poor' },
];

/** Most row errors {@link parseTransactionHistory} returns before summarizing the rest. */
export const MAX_REPORTED_ROW_ERRORS = 100;

/** Columns of an uploaded CSV; `balance` may be left out. */
export const CSV_COLUMNS = ['date', 'amount', 'description', 'balance'] as const;
const REQUIRED_CSV_COLUMNS = ['date', 'amount', 'description'] as const;

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** A refused row: `row` is 1-based among the data rows, 0 for the file or request as a whole. */
export interface RowError {
  row: number;
  message: string;
}

export interface ParsedHistory {
  rows: AssessmentTransaction[];
  errors: RowError[];
}

type CsvColumn = (typeof CSV_COLUMNS)[number];

const INTEGER_TEXT = /^[+-]?\d+$/;
const INTEGER_MESSAGE = 'must be an integer number of minor units';

/**
 * Validates a history given as JSON rows or as CSV, row by row. Valid rows are kept, invalid ones
 * skipped with an error naming the row and the field. Problems of the whole input (no header, unknown
 * or missing columns, more than {@link MAX_ASSESSMENT_TRANSACTIONS} rows) are reported as row 0; the
 * rows past the limit are not read. At most {@link MAX_REPORTED_ROW_ERRORS} errors are listed, then
 * one more says how many were left out.
 */
export function parseTransactionHistory(input: { transactions?: unknown[]; csv?: string }): ParsedHistory {
  const { transactions, csv } = input;
  let result: ParsedHistory;
  if (transactions !== undefined && csv !== undefined) {
    result = { rows: [], errors: [{ row: 0, message: 'give either transactions or csv, not both' }] };
  } else if (transactions !== undefined) {
    result = parseJsonRows(transactions);
  } else if (csv !== undefined) {
    result = parseCsvRows(csv);
  } else {
    result = { rows: [], errors: [{ row: 0, message: 'give either transactions or csv' }] };
  }
  return { rows: result.rows, errors: capErrors(result.errors) };
}

function parseJsonRows(transactions: unknown): ParsedHistory {
  if (!Array.isArray(transactions)) {
    return { rows: [], errors: [{ row: 0, message: 'transactions must be an array' }] };
  }
  const errors: RowError[] = [];
  if (transactions.length > MAX_ASSESSMENT_TRANSACTIONS) {
    errors.push({ row: 0, message: rowLimitMessage() });
  }
  const rows: AssessmentTransaction[] = [];
  const count = Math.min(transactions.length, MAX_ASSESSMENT_TRANSACTIONS);
  for (let i = 0; i < count; i++) {
    const row = i + 1;
    const candidate: unknown = transactions[i];
    if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
      errors.push({ row, message: `row ${row}: must be an object with date, amount and description` });
      continue;
    }
    validateRow(row, candidate as Record<string, unknown>, rows, errors);
  }
  return { rows, errors };
}

function parseCsvRows(csv: string): ParsedHistory {
  if (typeof csv !== 'string') {
    return { rows: [], errors: [{ row: 0, message: 'csv must be a string' }] };
  }
  if (csv.length > MAX_ASSESSMENT_CSV_LENGTH) {
    return { rows: [], errors: [{ row: 0, message: `csv must be at most ${MAX_ASSESSMENT_CSV_LENGTH} characters` }] };
  }
  let records: string[][];
  try {
    records = parseCsv(csv, {
      bom: true,
      trim: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      // The header, the allowed rows and one more to tell that there are too many.
      to: MAX_ASSESSMENT_TRANSACTIONS + 2,
    }) as string[][];
  } catch (error) {
    const lines = (error as { lines?: unknown }).lines;
    const where = typeof lines === 'number' ? ` (near line ${lines})` : '';
    const reason = error instanceof Error ? error.message : String(error);
    return { rows: [], errors: [{ row: 0, message: `csv could not be read${where}: ${reason}` }] };
  }

  const [header, ...data] = records;
  if (header === undefined) {
    return { rows: [], errors: [{ row: 0, message: `csv must start with a header row: ${CSV_COLUMNS.join(',')}` }] };
  }
  const columns = header.map((name) => name.toLowerCase());
  const headerErrors: string[] = [];
  const unknown = columns.filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    const names = unknown.map((name) => (name === '' ? '(blank)' : `"${name}"`)).join(', ');
    headerErrors.push(`unknown column${unknown.length > 1 ? 's' : ''} ${names}`);
  }
  const duplicated = CSV_COLUMNS.filter((name) => columns.filter((c) => c === name).length > 1);
  if (duplicated.length > 0) {
    headerErrors.push(`duplicate column${duplicated.length > 1 ? 's' : ''} ${duplicated.join(', ')}`);
  }
  const missing = REQUIRED_CSV_COLUMNS.filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    headerErrors.push(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
  if (headerErrors.length > 0) {
    const message = `header: ${headerErrors.join('; ')} (expected ${CSV_COLUMNS.join(',')}, balance optional)`;
    return { rows: [], errors: [{ row: 0, message }] };
  }

  const errors: RowError[] = [];
  if (data.length > MAX_ASSESSMENT_TRANSACTIONS) {
    errors.push({ row: 0, message: rowLimitMessage() });
  }
  const rows: AssessmentTransaction[] = [];
  const count = Math.min(data.length, MAX_ASSESSMENT_TRANSACTIONS);
  for (let i = 0; i < count; i++) {
    const row = i + 1;
    const fields = data[i] ?? [];
    if (fields.length !== columns.length) {
      errors.push({ row, message: `row ${row}: expected ${columns.length} fields, found ${fields.length}` });
      continue;
    }
    const candidate: Record<string, unknown> = {};
    const fieldErrors: string[] = [];
    columns.forEach((name, index) => {
      const text = fields[index] ?? '';
      const column = name as CsvColumn;
      if (column === 'amount' || column === 'balance') {
        if (column === 'balance' && text === '') return;
        if (!INTEGER_TEXT.test(text)) {
          fieldErrors.push(`${column} ${INTEGER_MESSAGE}`);
          return;
        }
        candidate[column] = Number(text);
      } else {
        candidate[column] = text;
      }
    });
    if (fieldErrors.length > 0) {
      // Report the other fields' problems too, so one pass fixes the row.
      for (const message of rowIssues(candidate)) {
        if (!fieldErrors.some((m) => m.split(' ')[0] === message.split(' ')[0])) fieldErrors.push(message);
      }
      errors.push({ row, message: `row ${row}: ${sortByColumn(fieldErrors).join('; ')}` });
      continue;
    }
    validateRow(row, candidate, rows, errors);
  }
  return { rows, errors };
}

function rowLimitMessage(): string {
  return `at most ${MAX_ASSESSMENT_TRANSACTIONS} rows; rows after row ${MAX_ASSESSMENT_TRANSACTIONS} were not read`;
}

function validateRow(
  row: number,
  candidate: Record<string, unknown>,
  rows: AssessmentTransaction[],
  errors: RowError[],
) {
  const parsed = AssessmentTransactionSchema.safeParse(candidate);
  if (parsed.success) {
    rows.push(parsed.data);
    return;
  }
  errors.push({ row, message: `row ${row}: ${sortByColumn(rowIssues(candidate)).join('; ')}` });
}

/** One message per field at fault, each starting with the field name. */
function rowIssues(candidate: Record<string, unknown>): string[] {
  const parsed = AssessmentTransactionSchema.safeParse(candidate);
  if (parsed.success) return [];
  const messages: string[] = [];
  const seen = new Set<string>();
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      messages.push(`unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`);
      continue;
    }
    const field = String(issue.path[0] ?? 'row');
    if (seen.has(field)) continue;
    seen.add(field);
    messages.push(`${field} ${fieldMessage(field, candidate[field], issue.code, issue.message)}`);
  }
  return messages;
}

function fieldMessage(field: string, value: unknown, code: string, message: string): string {
  if (value === undefined) return 'is required';
  if (field === 'amount' || field === 'balance') {
    if (code === 'too_small' || code === 'too_big') {
      const limit = field === 'amount' ? '10^12' : String(Number.MAX_SAFE_INTEGER);
      return `must be between -${limit} and ${limit} minor units`;
    }
    return INTEGER_MESSAGE;
  }
  if (field === 'description' && code === 'invalid_type') return 'must be a string';
  return message;
}

function sortByColumn(messages: string[]): string[] {
  const rank = (message: string) => {
    const index = (CSV_COLUMNS as readonly string[]).indexOf(message.split(' ')[0] ?? '');
    return index === -1 ? CSV_COLUMNS.length : index;
  };
  return [...messages].sort((a, b) => rank(a) - rank(b));
}

function capErrors(errors: RowError[]): RowError[] {
  if (errors.length <= MAX_REPORTED_ROW_ERRORS) return errors;
  // Whole-input errors (row 0) first, so a summary never hides them.
  const ordered = [...errors.filter((e) => e.row === 0), ...errors.filter((e) => e.row !== 0)];
  const more = ordered.length - MAX_REPORTED_ROW_ERRORS;
  return [
    ...ordered.slice(0, MAX_REPORTED_ROW_ERRORS),
    { row: 0, message: `…and ${more} more error${more > 1 ? 's' : ''}` },
  ];
}

// ---------------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------------

export interface CreditFactor {
  /** `income`, `income_regularity`, `net_cash_flow`, `balance_health` or `history_length`. */
  factor: string;
  /** Whole points, 0 up to the factor's maximum. */
  points: number;
  /** The figures used, as a sentence. */
  detail: string;
}

export interface CreditScore {
  /** {@link CREDIT_BASE_SCORE} plus the points of the breakdown: 300-850. */
  score: number;
  category: CreditCategory;
  breakdown: CreditFactor[];
}

/** The category of a score: 300-579 poor, 580-669 fair, 670-739 good, 740-799 very_good, 800-850 excellent. */
export function creditCategory(score: number): CreditCategory {
  for (const band of CREDIT_CATEGORY_BANDS) {
    if (score >= band.minScore) return band.category;
  }
  return 'poor';
}

/** Scores a validated history with the documented formula (see the constants above). */
export function scoreTransactions(rows: readonly AssessmentTransaction[]): CreditScore {
  if (rows.length === 0) {
    const why = 'No transactions were given, so this factor earns no points.';
    const breakdown = ['income', 'income_regularity', 'net_cash_flow', 'balance_health', 'history_length'].map(
      (factor) => ({ factor, points: 0, detail: why }),
    );
    return { score: CREDIT_BASE_SCORE, category: creditCategory(CREDIT_BASE_SCORE), breakdown };
  }

  let inflow = 0n;
  let outflow = 0n;
  let firstMonth = Number.POSITIVE_INFINITY;
  let lastMonth = Number.NEGATIVE_INFINITY;
  const inflowMonths = new Set<number>();
  let withBalance = 0;
  let nonNegative = 0;
  for (const row of rows) {
    const month = monthIndex(row.date);
    firstMonth = Math.min(firstMonth, month);
    lastMonth = Math.max(lastMonth, month);
    if (row.amount > 0) {
      inflow += BigInt(row.amount);
      inflowMonths.add(month);
    } else if (row.amount < 0) {
      outflow += BigInt(-row.amount);
    }
    if (row.balance !== undefined) {
      withBalance++;
      if (row.balance >= 0) nonNegative++;
    }
  }
  const months = lastMonth - firstMonth + 1;
  const span = months === 1 ? monthLabel(firstMonth) : `${monthLabel(firstMonth)} to ${monthLabel(lastMonth)}`;
  const monthsText = plural(months, 'month');

  // income: the highest band whose threshold × months the total inflow reaches.
  const incomeBand = INCOME_BANDS.find((band) => inflow >= BigInt(band.minMonthlyInflow) * BigInt(months));
  const incomePoints = incomeBand?.points ?? 0;
  const lowestIncome = INCOME_BANDS[INCOME_BANDS.length - 1]?.minMonthlyInflow ?? 0;
  const income: CreditFactor = {
    factor: 'income',
    points: incomePoints,
    detail:
      `Inflows of ${formatMinor(inflow)} over ${monthsText} average ${formatMinor(inflow / BigInt(months))} a month; ` +
      (incomeBand
        ? `at least ${formatMinor(BigInt(incomeBand.minMonthlyInflow))} a month earns ${incomePoints} of ${INCOME_MAX_POINTS} points.`
        : `below ${formatMinor(BigInt(lowestIncome))} a month earns 0 of ${INCOME_MAX_POINTS} points.`),
  };

  const regularityPoints = Math.floor((REGULARITY_MAX_POINTS * inflowMonths.size) / months);
  const regularity: CreditFactor = {
    factor: 'income_regularity',
    points: regularityPoints,
    detail:
      `${inflowMonths.size} of ${monthsText} had at least one inflow: ` +
      `${REGULARITY_MAX_POINTS} × ${inflowMonths.size} / ${months} = ${regularityPoints} points (rounded down).`,
  };

  let cashFlowPoints: number;
  let cashFlowDetail: string;
  if (outflow === 0n) {
    cashFlowPoints = inflow > 0n ? (CASH_FLOW_BANDS[0]?.points ?? 0) : 0;
    cashFlowDetail =
      inflow > 0n
        ? `Inflows of ${formatMinor(inflow)} and no outflows earn ${cashFlowPoints} of ${CASH_FLOW_MAX_POINTS} points.`
        : `No inflows and no outflows earn 0 of ${CASH_FLOW_MAX_POINTS} points.`;
  } else {
    const band = CASH_FLOW_BANDS.find((b) => inflow * 100n >= outflow * BigInt(b.minInflowPercent));
    cashFlowPoints = band?.points ?? 0;
    const lowest = CASH_FLOW_BANDS[CASH_FLOW_BANDS.length - 1]?.minInflowPercent ?? 0;
    cashFlowDetail =
      `Inflows of ${formatMinor(inflow)} against outflows of ${formatMinor(outflow)} ` +
      `(${(inflow * 100n) / outflow}% of outflows, rounded down); ` +
      (band
        ? `at least ${band.minInflowPercent}% earns ${cashFlowPoints} of ${CASH_FLOW_MAX_POINTS} points.`
        : `below ${lowest}% earns 0 of ${CASH_FLOW_MAX_POINTS} points.`);
  }
  const cashFlow: CreditFactor = { factor: 'net_cash_flow', points: cashFlowPoints, detail: cashFlowDetail };

  const balancePoints = withBalance === 0 ? 0 : Math.floor((BALANCE_MAX_POINTS * nonNegative) / withBalance);
  const balance: CreditFactor = {
    factor: 'balance_health',
    points: balancePoints,
    detail:
      withBalance === 0
        ? 'No row gave a balance, so this factor earns no points.'
        : `${nonNegative} of ${plural(withBalance, 'row')} with a balance were at or above zero: ` +
          `${BALANCE_MAX_POINTS} × ${nonNegative} / ${withBalance} = ${balancePoints} points (rounded down).`,
  };

  const countedMonths = Math.min(months, HISTORY_FULL_MONTHS);
  const historyPoints = Math.floor((HISTORY_MAX_POINTS * countedMonths) / HISTORY_FULL_MONTHS);
  const history: CreditFactor = {
    factor: 'history_length',
    points: historyPoints,
    detail:
      `The history covers ${monthsText} (${span}); ` +
      `${HISTORY_MAX_POINTS} × ${countedMonths} / ${HISTORY_FULL_MONTHS} = ${historyPoints} points (rounded down, ` +
      `${HISTORY_FULL_MONTHS} months or more earn all ${HISTORY_MAX_POINTS}).`,
  };

  const breakdown = [income, regularity, cashFlow, balance, history];
  const score = CREDIT_BASE_SCORE + breakdown.reduce((sum, f) => sum + f.points, 0);
  return { score, category: creditCategory(score), breakdown };
}

/** Months since year 0 of a `YYYY-MM-DD` date. */
function monthIndex(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

function monthLabel(index: number): string {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Minor units as major units with two decimals and thousands separators: 1234567n → "12,345.67". */
export function formatMinor(minor: bigint): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${cents}`;
}
