/**
 * Loan repayment schedules: the installment amount of an offer and the dated installments of a loan.
 *
 * Pure and dependency-free. Every amount is an integer number of minor units (kobo); the arithmetic
 * runs on exact rationals in `bigint`, so no result depends on floating-point rounding and the same
 * terms give the same schedule on every runtime. A rounding always goes half up, and whatever the
 * rounding leaves over lands on the last installment.
 */

/**
 * `equal_installments`: a declining-balance annuity (the same payment each month, interest charged
 * on the remaining balance). `flat`: interest charged on the original principal for the whole term.
 */
export type Amortization = 'equal_installments' | 'flat';

export const AMORTIZATIONS: readonly Amortization[] = ['equal_installments', 'flat'];

/** The priced terms of a loan: what an offer quotes and a schedule is built from. */
export interface LoanTerms {
  /** Amount lent, in minor units: a positive safe integer. */
  principal: number;
  /** Nominal annual rate in basis points, 0..100000 (0 % to 1000 %); the monthly rate is a twelfth. */
  annualRateBps: number;
  /** Number of monthly installments, 1..120. */
  termMonths: number;
  amortization: Amortization;
}

export interface ScheduleTerms extends LoanTerms {
  /** Installment k is due k calendar months after this instant, read in UTC. */
  disbursedAt: Date;
  /**
   * Fee charged on every installment, in minor units (default 0). The origination fee is not part of
   * the schedule: it is taken from the disbursement.
   */
  fees?: number;
}

export interface Installment {
  /** 1-based position in the schedule. */
  number: number;
  /** Calendar date in UTC, `YYYY-MM-DD`. */
  dueDate: string;
  principal: number;
  interest: number;
  fees: number;
  /** `principal + interest + fees`. */
  total: number;
}

export const MAX_TERM_MONTHS = 120;
export const MAX_ANNUAL_RATE_BPS = 100_000;

/** Basis points per unit times months per year: the monthly rate is `annualRateBps / MONTHLY_RATE_DENOMINATOR`. */
const MONTHLY_RATE_DENOMINATOR = 120_000n;

/**
 * The amount a borrower pays each month under these terms, as quoted on an offer.
 *
 * `equal_installments`: P·r(1+r)^n / ((1+r)^n − 1) with r = annualRateBps / 10000 / 12, or P/n when
 * the rate is zero. `flat`: ⌊P/n⌋ + ⌊I/n⌋ where I = P·annualRate·n/12 is the total flat interest
 * (itself rounded to the minor unit, as in {@link buildSchedule}). Rounded half up.
 *
 * @throws RangeError naming every invalid field.
 */
export function installmentAmount(terms: LoanTerms): number {
  assertTerms(terms);
  return toSafeNumber(paymentOf(terms), 'principal');
}

/**
 * The dated installments of a loan disbursed at `disbursedAt`.
 *
 * Due dates fall on the disbursement day of each following month, clamped to the month's last day
 * and always computed from the original day (31 Jan → 28/29 Feb → 31 Mar). Principal parts sum to
 * the principal exactly; rounding remainders go on the last installment.
 *
 * `equal_installments`: interest is the remaining balance times the monthly rate, and principal is
 * the payment less that interest, so every installment but the last totals the quoted payment. When
 * the principal is so small (a few minor units over many months) that the rounded-up payment would
 * repay it before the term ends, the principal part is capped at the remaining balance and later
 * installments carry no principal, rather than the last one going negative.
 *
 * `flat`: each installment carries ⌊P/n⌋ principal and ⌊I/n⌋ interest, the last one the rest, so the
 * interest parts sum to the total flat interest exactly.
 *
 * @throws RangeError naming every invalid field.
 */
export function buildSchedule(terms: ScheduleTerms): Installment[] {
  assertTerms(terms);
  const principal = BigInt(terms.principal);
  const bps = BigInt(terms.annualRateBps);
  const n = terms.termMonths;
  const fees = BigInt(terms.fees ?? 0);
  const dueDates = monthlyDueDates(terms.disbursedAt, n);

  const parts: Array<{ principal: bigint; interest: bigint }> = [];
  if (terms.amortization === 'flat') {
    const totalInterest = flatInterest(principal, bps, n);
    const count = BigInt(n);
    const principalEach = principal / count;
    const interestEach = totalInterest / count;
    for (let k = 1; k < n; k++) parts.push({ principal: principalEach, interest: interestEach });
    parts.push({
      principal: principal - principalEach * (count - 1n),
      interest: totalInterest - interestEach * (count - 1n),
    });
  } else {
    const payment = paymentOf(terms);
    let balance = principal;
    for (let k = 1; k <= n; k++) {
      const interest = divRoundHalfUp(balance * bps, MONTHLY_RATE_DENOMINATOR);
      const part = k === n ? balance : min(payment - interest, balance);
      parts.push({ principal: part, interest });
      balance -= part;
    }
  }

  const schedule = parts.map((part, i) => {
    const total = part.principal + part.interest + fees;
    return {
      number: i + 1,
      dueDate: dueDates[i]!,
      principal: Number(part.principal),
      interest: Number(part.interest),
      fees: Number(fees),
      total: toSafeNumber(total, 'principal'),
    };
  });
  // Every part is bounded by this sum, so one check keeps all of them, and their sum, exact.
  toSafeNumber(
    parts.reduce((sum, part) => sum + part.principal + part.interest + fees, 0n),
    'principal',
  );
  return schedule;
}

/** What the borrower pays over the whole schedule: principal, interest and installment fees. */
export function totalRepayable(schedule: readonly Installment[]): number {
  return schedule.reduce((sum, installment) => sum + installment.total, 0);
}

function paymentOf(terms: LoanTerms): bigint {
  const principal = BigInt(terms.principal);
  const bps = BigInt(terms.annualRateBps);
  const n = terms.termMonths;
  if (terms.amortization === 'flat') {
    // What every installment but the last totals in buildSchedule: ⌊P/n⌋ + ⌊I/n⌋ (the last one takes
    // the remainders), so the amount quoted on the offer is the amount the borrower sees each month.
    const count = BigInt(n);
    return principal / count + flatInterest(principal, bps, n) / count;
  }
  if (bps === 0n) return divRoundHalfUp(principal, BigInt(n));
  // With r = bps/D: P·r(1+r)^n / ((1+r)^n − 1) = P·bps·(D+bps)^n / (D·((D+bps)^n − D^n)), exactly.
  const D = MONTHLY_RATE_DENOMINATOR;
  const grown = (D + bps) ** BigInt(n);
  return divRoundHalfUp(principal * bps * grown, D * (grown - D ** BigInt(n)));
}

function flatInterest(principal: bigint, bps: bigint, n: number): bigint {
  return divRoundHalfUp(principal * bps * BigInt(n), MONTHLY_RATE_DENOMINATOR);
}

/** `num / den` rounded half up, for `num >= 0` and `den > 0`. */
function divRoundHalfUp(num: bigint, den: bigint): bigint {
  return (2n * num + den) / (2n * den);
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function monthlyDueDates(disbursedAt: Date, count: number): string[] {
  const year = disbursedAt.getUTCFullYear();
  const month = disbursedAt.getUTCMonth();
  const day = disbursedAt.getUTCDate();
  const dates: string[] = [];
  for (let k = 1; k <= count; k++) {
    const y = year + Math.floor((month + k) / 12);
    const m = (month + k) % 12;
    dates.push(`${pad(y, 4)}-${pad(m + 1, 2)}-${pad(Math.min(day, daysInMonth(y, m)), 2)}`);
  }
  return dates;
}

/** Days in month `m` (0-based) of year `y`, proleptic Gregorian like `Date`. */
function daysInMonth(y: number, m: number): number {
  if (m === 1) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 3 || m === 5 || m === 8 || m === 10 ? 30 : 31;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function toSafeNumber(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(
      `${field} is too large: the amounts it gives exceed Number.MAX_SAFE_INTEGER minor units (${value})`,
    );
  }
  return Number(value);
}

function assertTerms(terms: LoanTerms & { disbursedAt?: unknown; fees?: unknown }): void {
  const problems: string[] = [];
  const { principal, annualRateBps, termMonths, amortization } = terms;
  if (!Number.isSafeInteger(principal) || principal <= 0) {
    problems.push(`principal must be a positive safe integer of minor units (got ${String(principal)})`);
  }
  if (!Number.isInteger(annualRateBps) || annualRateBps < 0 || annualRateBps > MAX_ANNUAL_RATE_BPS) {
    problems.push(`annualRateBps must be an integer from 0 to ${MAX_ANNUAL_RATE_BPS} (got ${String(annualRateBps)})`);
  }
  if (!Number.isInteger(termMonths) || termMonths < 1 || termMonths > MAX_TERM_MONTHS) {
    problems.push(`termMonths must be an integer from 1 to ${MAX_TERM_MONTHS} (got ${String(termMonths)})`);
  }
  if (!AMORTIZATIONS.includes(amortization)) {
    problems.push(`amortization must be one of ${AMORTIZATIONS.join(', ')} (got ${String(amortization)})`);
  }
  if ('disbursedAt' in terms) {
    const at = terms.disbursedAt;
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
      problems.push('disbursedAt must be a valid Date');
    } else if (at.getUTCFullYear() < 0 || at.getUTCFullYear() + Math.ceil(termMonths / 12) > 9999) {
      problems.push(`disbursedAt must leave every due date within years 0000-9999 (got ${at.toISOString()})`);
    }
  }
  if (terms.fees !== undefined && (!Number.isSafeInteger(terms.fees) || (terms.fees as number) < 0)) {
    problems.push(`fees must be a non-negative safe integer of minor units (got ${String(terms.fees)})`);
  }
  if (problems.length > 0) throw new RangeError(`invalid loan terms: ${problems.join('; ')}`);
}
