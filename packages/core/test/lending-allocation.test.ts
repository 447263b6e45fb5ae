import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocatePayment,
  type InstallmentBalance,
  OverpaymentError,
  outstandingTotal,
} from '../src/lending/allocation.js';

/** An installment of `fees`, `interest`, `principal`, with what was already paid of each. */
function inst(
  number: number,
  [fees, interest, principal]: [number, number, number],
  [paidFees, paidInterest, paidPrincipal]: [number, number, number] = [0, 0, 0],
): InstallmentBalance {
  return { number, fees, interest, principal, paidFees, paidInterest, paidPrincipal };
}

/** What one installment receives: [number, fees, interest, principal, paidInFull]. */
type Part = [number, number, number, number, boolean];

// Three installments of a small loan (10,000 each); the same with a fee of 100 each (10,100).
const plain = [inst(1, [0, 2000, 8000]), inst(2, [0, 1500, 8500]), inst(3, [0, 1000, 9000])];
const withFees = [inst(1, [100, 2000, 8000]), inst(2, [100, 1500, 8500]), inst(3, [100, 1000, 9000])];
// Installment 1 half paid (all fees, part of the interest), installment 2 untouched.
const partlyPaid = [inst(1, [100, 2000, 8000], [100, 500, 0]), inst(2, [100, 1500, 8500])];
// Installment 1 paid in full: payments start at installment 2.
const firstPaid = [inst(1, [100, 2000, 8000], [100, 2000, 8000]), inst(2, [100, 1500, 8500], [0, 0, 100])];

const cases: [string, InstallmentBalance[], number, Part[]][] = [
  ['partial within the fees', withFees, 60, [[1, 60, 0, 0, false]]],
  ['all the fees and part of the interest', withFees, 1100, [[1, 100, 1000, 0, false]]],
  ['fees, interest and part of the principal', withFees, 5100, [[1, 100, 2000, 3000, false]]],
  ['exactly one installment', plain, 10_000, [[1, 0, 2000, 8000, true]]],
  ['exactly one installment with fees', withFees, 10_100, [[1, 100, 2000, 8000, true]]],
  [
    'spanning two installments',
    plain,
    12_000,
    [
      [1, 0, 2000, 8000, true],
      [2, 0, 1500, 500, false],
    ],
  ],
  [
    'spanning with fees: the next installment fees first',
    withFees,
    10_150,
    [
      [1, 100, 2000, 8000, true],
      [2, 50, 0, 0, false],
    ],
  ],
  [
    'spanning three installments',
    withFees,
    25_000,
    [
      [1, 100, 2000, 8000, true],
      [2, 100, 1500, 8500, true],
      [3, 100, 1000, 3700, false],
    ],
  ],
  ['after a prior partial payment: the rest of the interest first', partlyPaid, 1000, [[1, 0, 1000, 0, false]]],
  [
    'after a prior partial payment: finishing it and into the next',
    partlyPaid,
    9700,
    [
      [1, 0, 1500, 8000, true],
      [2, 100, 100, 0, false],
    ],
  ],
  ['after a paid installment: the next one, from what it still owes', firstPaid, 1700, [[2, 100, 1500, 100, false]]],
  [
    'exactly the outstanding total',
    withFees,
    30_300,
    [
      [1, 100, 2000, 8000, true],
      [2, 100, 1500, 8500, true],
      [3, 100, 1000, 9000, true],
    ],
  ],
  [
    'exactly the outstanding total after prior payments',
    partlyPaid,
    19_600,
    [
      [1, 0, 1500, 8000, true],
      [2, 100, 1500, 8500, true],
    ],
  ],
  // Installments are applied by number, whatever order they are given in.
  [
    'installments given out of order',
    [plain[2]!, plain[0]!, plain[1]!],
    10_001,
    [
      [1, 0, 2000, 8000, true],
      [2, 0, 1, 0, false],
    ],
  ],
];

describe('allocatePayment', () => {
  it.each(cases)('%s', (_name, installments, amount, expected) => {
    const before = structuredClone(installments);
    const allocation = allocatePayment(installments, amount);
    expect(
      allocation.installments.map((p) => [p.number, p.fees, p.interest, p.principal, p.paidInFull] as Part),
    ).toEqual(expected);
    const total = (k: 1 | 2 | 3) => expected.reduce((s, p) => s + p[k], 0);
    expect({ fees: allocation.fees, interest: allocation.interest, principal: allocation.principal }).toEqual({
      fees: total(1),
      interest: total(2),
      principal: total(3),
    });
    expect(allocation.fees + allocation.interest + allocation.principal).toBe(amount);
    expect(installments).toEqual(before); // the input is not modified
  });

  it.each([
    ['one more than the outstanding total', withFees, 30_301, 30_300],
    ['anything on a loan already paid', [inst(1, [0, 10, 90], [0, 10, 90])], 1, 0],
    ['more than what is left after prior payments', partlyPaid, 19_601, 19_600],
    ['anything on no installments', [], 1, 0],
  ])('refuses an overpayment: %s', (_name, installments, amount, outstanding) => {
    expect(outstandingTotal(installments)).toBe(outstanding);
    let error: unknown;
    try {
      allocatePayment(installments, amount);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OverpaymentError);
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toMatchObject({ amount, outstanding });
  });

  it.each([0, -1, -10_100, 0.5, 100.25, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])(
    'refuses a payment of %s with a RangeError that is not an overpayment',
    (amount) => {
      expect(() => allocatePayment(withFees, amount)).toThrow(RangeError);
      expect(() => allocatePayment(withFees, amount)).not.toThrow(OverpaymentError);
      expect(() => allocatePayment(withFees, amount)).toThrow(/positive integer/);
    },
  );
});

describe('allocatePayment properties', () => {
  const installmentsArb = fc
    .array(
      fc
        .record({
          fees: fc.integer({ min: 0, max: 500 }),
          interest: fc.integer({ min: 0, max: 5000 }),
          principal: fc.integer({ min: 0, max: 50_000 }),
          paidShare: fc.double({ min: 0, max: 1, noNaN: true }),
        })
        .map(({ fees, interest, principal, paidShare }) => {
          // A prior payment is itself an allocation: fees, then interest, then principal.
          let paid = Math.floor((fees + interest + principal) * paidShare);
          const take = (owed: number) => {
            const part = Math.min(owed, paid);
            paid -= part;
            return part;
          };
          return { fees, interest, principal, paid: [take(fees), take(interest), take(principal)] as const };
        }),
      { minLength: 1, maxLength: 8 },
    )
    .map((rows) =>
      rows.map((r, k) => inst(k + 1, [r.fees, r.interest, r.principal], [r.paid[0], r.paid[1], r.paid[2]])),
    );

  it('allocates exactly the amount, never more than owed per component, oldest first, fees before interest before principal', () => {
    fc.assert(
      fc.property(
        installmentsArb.filter((rows) => outstandingTotal(rows) > 0),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rows, share) => {
          const owed = outstandingTotal(rows);
          const amount = Math.max(1, Math.ceil(owed * share));
          const allocation = allocatePayment(rows, amount);
          expect(allocation.fees + allocation.interest + allocation.principal).toBe(amount);
          let stillOwedEarlier = false;
          for (const row of rows) {
            const part = allocation.installments.find((p) => p.number === row.number);
            const left = {
              fees: row.fees - row.paidFees,
              interest: row.interest - row.paidInterest,
              principal: row.principal - row.paidPrincipal,
            };
            const got = part ?? { fees: 0, interest: 0, principal: 0, paidInFull: false };
            for (const k of ['fees', 'interest', 'principal'] as const) {
              expect(got[k]).toBeGreaterThanOrEqual(0);
              expect(got[k]).toBeLessThanOrEqual(left[k]);
            }
            // Nothing reaches a later installment while an earlier one still owes something.
            if (got.fees + got.interest + got.principal > 0) expect(stillOwedEarlier).toBe(false);
            // Within an installment: interest only once fees are covered, principal once interest is.
            if (got.interest > 0) expect(got.fees).toBe(left.fees);
            if (got.principal > 0) expect(got.interest).toBe(left.interest);
            const remaining = left.fees + left.interest + left.principal - (got.fees + got.interest + got.principal);
            if (part) expect(part.paidInFull).toBe(remaining === 0);
            if (remaining > 0) stillOwedEarlier = true;
          }
          expect(allocation.installments.every((p) => p.fees + p.interest + p.principal > 0)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
