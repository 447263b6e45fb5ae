/**
 * How a payment is applied to a loan (DESIGN §4): oldest installment first and, within an
 * installment, fees → interest → principal. Pure integer arithmetic on minor units.
 */

/** An installment's amounts due and paid so far (minor units). */
export interface InstallmentBalance {
  number: number;
  fees: number;
  interest: number;
  principal: number;
  paidFees: number;
  paidInterest: number;
  paidPrincipal: number;
}

/** The parts of a payment, by component. */
export interface AllocationParts {
  fees: number;
  interest: number;
  principal: number;
}

/** The result of {@link allocatePayment}: the totals and what went to each installment touched. */
export interface Allocation extends AllocationParts {
  installments: (AllocationParts & { number: number; paidInFull: boolean })[];
}

/** Thrown when a payment is more than everything still owed. */
export class OverpaymentError extends RangeError {
  constructor(
    readonly amount: number,
    readonly outstanding: number,
  ) {
    super(`A payment of ${amount} is more than the ${outstanding} still owed`);
    this.name = 'OverpaymentError';
  }
}

/** Everything still owed across `installments`. */
export function outstandingTotal(installments: readonly InstallmentBalance[]): number {
  let total = 0;
  for (const i of installments) {
    total += i.fees - i.paidFees + (i.interest - i.paidInterest) + (i.principal - i.paidPrincipal);
  }
  return total;
}

/**
 * Splits `amount` over `installments` (any order; applied by ascending `number`). Throws
 * {@link OverpaymentError} when `amount` is more than the outstanding total, and a RangeError when it
 * is not a positive integer.
 */
export function allocatePayment(installments: readonly InstallmentBalance[], amount: number): Allocation {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new RangeError(`A payment is a positive integer of minor units; got ${amount}`);
  }
  const outstanding = outstandingTotal(installments);
  if (amount > outstanding) throw new OverpaymentError(amount, outstanding);
  const result: Allocation = { fees: 0, interest: 0, principal: 0, installments: [] };
  let left = amount;
  for (const i of [...installments].sort((a, b) => a.number - b.number)) {
    if (left === 0) break;
    const take = (owed: number) => {
      const part = Math.min(owed, left);
      left -= part;
      return part;
    };
    const fees = take(i.fees - i.paidFees);
    const interest = take(i.interest - i.paidInterest);
    const principal = take(i.principal - i.paidPrincipal);
    if (fees + interest + principal === 0) continue;
    const paidInFull =
      i.paidFees + fees === i.fees &&
      i.paidInterest + interest === i.interest &&
      i.paidPrincipal + principal === i.principal;
    result.fees += fees;
    result.interest += interest;
    result.principal += principal;
    result.installments.push({ number: i.number, fees, interest, principal, paidInFull });
  }
  return result;
}
