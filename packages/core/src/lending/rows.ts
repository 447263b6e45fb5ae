import {
  type CreditAssessment,
  type DelinquencyBucket,
  type Installment,
  type Loan,
  type LoanApplication,
  type LoanOffer,
  type Mandate,
  type Money,
  type Repayment,
  type StateMachine,
  stateConflictMessage,
} from '@lendwire/contract';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/index.js';
import type {
  creditAssessments,
  loanApplications,
  loanInstallments,
  loanOffers,
  loans,
  mandates,
  repayments,
} from '../db/schema.js';
import { ServiceError } from '../services/context.js';

export type ApplicationRow = typeof loanApplications.$inferSelect;
export type OfferRow = typeof loanOffers.$inferSelect;
export type LoanRow = typeof loans.$inferSelect;
export type InstallmentRow = typeof loanInstallments.$inferSelect;
export type RepaymentRow = typeof repayments.$inferSelect;
export type MandateRow = typeof mandates.$inferSelect;
export type AssessmentRow = typeof creditAssessments.$inferSelect;

/** `{ amount, currency }` of a row's currency. */
export function money(amount: number, currency: string): Money {
  return { amount, currency: currency as Money['currency'] };
}

/** The UTC calendar date (`YYYY-MM-DD`) of an instant. */
export function calendarDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Whole days from calendar date `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The delinquency bucket of a number of days past due (DESIGN §4). */
export function delinquencyBucket(daysPastDue: number): DelinquencyBucket {
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return '1_30';
  if (daysPastDue <= 60) return '31_60';
  if (daysPastDue <= 90) return '61_90';
  return '90_plus';
}

/** What is still owed on an installment, by component. */
export function unpaid(row: InstallmentRow): { fees: number; interest: number; principal: number; total: number } {
  const fees = row.fees - row.paidFees;
  const interest = row.interest - row.paidInterest;
  const principal = row.principal - row.paidPrincipal;
  return { fees, interest, principal, total: fees + interest + principal };
}

export function toInstallment(row: InstallmentRow, currency: string): Installment {
  const m = (n: number) => money(n, currency);
  return {
    number: row.number,
    dueDate: row.dueDate,
    principal: m(row.principal),
    interest: m(row.interest),
    fees: m(row.fees),
    total: m(row.principal + row.interest + row.fees),
    paid: m(row.paidPrincipal + row.paidInterest + row.paidFees),
    status: row.status,
  };
}

/** The public loan: outstanding amounts and the next due date come from its installments. */
export function toLoan(row: LoanRow, installments: readonly InstallmentRow[]): Loan {
  const m = (n: number) => money(n, row.currency);
  let principal = 0;
  let interest = 0;
  let fees = 0;
  let nextDueDate: string | null = null;
  for (const i of installments) {
    const left = unpaid(i);
    principal += left.principal;
    interest += left.interest;
    fees += left.fees;
    if (left.total > 0 && (nextDueDate === null || i.dueDate < nextDueDate)) nextDueDate = i.dueDate;
  }
  return {
    id: row.id,
    object: 'loan',
    applicationId: row.applicationId,
    offerId: row.offerId,
    customerId: row.customerId,
    principal: m(row.principal),
    annualInterestRateBps: row.annualRateBps,
    termMonths: row.termMonths,
    amortization: row.amortization,
    originationFee: m(row.originationFee),
    status: row.status,
    disbursedAt: row.disbursedAt ? row.disbursedAt.toISOString() : null,
    outstanding: {
      principal: m(principal),
      interest: m(interest),
      fees: m(fees),
      total: m(principal + interest + fees),
    },
    nextDueDate: row.status === 'active' ? nextDueDate : null,
    daysPastDue: row.daysPastDue,
    delinquencyBucket: row.delinquencyBucket,
    metadata: row.metadata,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toOffer(row: OfferRow, loan?: Loan): LoanOffer {
  const m = (n: number) => money(n, row.currency);
  return {
    id: row.id,
    object: 'loan_offer',
    applicationId: row.applicationId,
    customerId: row.customerId,
    principal: m(row.principal),
    annualInterestRateBps: row.annualRateBps,
    termMonths: row.termMonths,
    amortization: row.amortization,
    originationFee: m(row.originationFee),
    installmentAmount: m(row.installmentAmount),
    totalRepayable: m(row.totalRepayable),
    status: row.status,
    expiresAt: row.expiresAt.toISOString(),
    loanId: row.loanId,
    ...(loan ? { loan } : {}),
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toApplication(row: ApplicationRow, offer?: LoanOffer): LoanApplication {
  return {
    id: row.id,
    object: 'loan_application',
    customerId: row.customerId,
    amount: money(row.amount, row.currency),
    termMonths: row.termMonths,
    purpose: row.purpose,
    status: row.status,
    rejectionReason: row.rejectionReason,
    offerId: row.offerId,
    ...(offer ? { offer } : {}),
    metadata: row.metadata,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toRepayment(row: RepaymentRow): Repayment {
  const m = (n: number) => money(n, row.currency);
  return {
    id: row.id,
    object: 'repayment',
    loanId: row.loanId,
    amount: m(row.amount),
    source: row.source,
    mandateId: row.mandateId,
    status: row.status,
    allocation: {
      fees: m(row.allocatedFees),
      interest: m(row.allocatedInterest),
      principal: m(row.allocatedPrincipal),
    },
    failureCode: row.failureCode,
    failureMessage: row.failureMessage,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toMandate(row: MandateRow): Mandate {
  return {
    id: row.id,
    object: 'mandate',
    customerId: row.customerId,
    status: row.status,
    bankAccount: { bankCode: row.bankCode, last4: row.last4, accountName: row.accountName },
    currency: row.currency as Mandate['currency'],
    failureCode: row.failureCode,
    failureMessage: row.failureMessage,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toAssessment(row: AssessmentRow): CreditAssessment {
  return {
    id: row.id,
    object: 'credit_assessment',
    customerId: row.customerId,
    status: row.status,
    score: row.score,
    category: row.category,
    breakdown: row.breakdown,
    rowsAccepted: row.rowsAccepted,
    errors: row.errors,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The slice of Drizzle's query builder {@link applyTransition} uses, untyped across tables. */
interface LooseQuery extends PromiseLike<unknown> {
  set(values: Record<string, unknown>): LooseQuery;
  where(condition: SQL | undefined): LooseQuery;
  from(table: PgTable): LooseQuery;
  returning(): LooseQuery;
}
interface LooseDb {
  update(table: PgTable): LooseQuery;
  select(fields: Record<string, PgColumn>): LooseQuery;
}

/** A table with the columns {@link applyTransition} needs. */
type MachineTable = PgTable & { id: PgColumn; status: PgColumn; updatedAt: PgColumn };

/**
 * Applies `action` of `machine` to the row `id` as one compare-and-set update
 * (`… SET status = <to> WHERE id = $1 AND status IN (<states allowing it>)`), so two concurrent
 * requests or workers cannot both move it. Nothing matched: 404 when the row is not visible under
 * `where` (another tenant's), else 409 `state_conflict` naming the current state.
 */
export async function applyTransition<Row>(options: {
  db: Db;
  table: MachineTable;
  machine: StateMachine;
  action: string;
  id: string;
  /** Tenant filter (and any guard): a row outside it is a 404. */
  where?: SQL | undefined;
  /** Further columns to set with the status. */
  set?: Record<string, unknown>;
  now: Date;
  /** How the resource is named in a 404 (`loan application`). */
  label: string;
}): Promise<Row> {
  const { db, table, machine, action } = options;
  const rules = machine.transitions.filter((t) => t.action === action);
  if (rules.length === 0) throw new Error(`${machine.name} has no action ${action}`);
  const targets = new Set(rules.map((r) => r.to));
  const to =
    targets.size === 1
      ? rules[0]!.to
      : sql`case ${table.status} ${sql.join(
          rules.map((r) => sql`when ${r.from} then ${r.to}`),
          sql` `,
        )} end`;
  const scoped = and(eq(table.id, options.id), options.where);
  // Drizzle's builders are typed per table; this helper serves several, so it talks to them loosely.
  const loose = db as unknown as LooseDb;
  const updated = (await loose
    .update(table)
    .set({ ...options.set, status: to, updatedAt: options.now })
    .where(
      and(
        scoped,
        inArray(
          table.status,
          rules.map((r) => r.from),
        ),
      ),
    )
    .returning()) as Row[];
  if (updated[0]) return updated[0];
  const [current] = (await loose.select({ status: table.status }).from(table).where(scoped)) as {
    status: string;
  }[];
  if (!current) throw new ServiceError('not_found', `No ${options.label} ${options.id}`);
  throw new ServiceError('state_conflict', stateConflictMessage(machine, current.status, action));
}

/**
 * {@link applyTransition} for workers that may race each other: null when the row is no longer in a
 * state the action is allowed from (another worker moved it first), instead of a 409.
 */
export async function applyTransitionIfAllowed<Row>(
  options: Parameters<typeof applyTransition>[0],
): Promise<Row | null> {
  try {
    return await applyTransition<Row>(options);
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'state_conflict') return null;
    throw error;
  }
}
