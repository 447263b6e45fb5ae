import {
  generateId,
  INSTALLMENT,
  type Installment,
  type ListEnvelope,
  LOAN,
  LOAN_OFFER,
  type Loan,
  type LoanOffer,
  type LoanOfferStatus,
  type LoanSchedule,
  type LoanStatus,
  REPAYMENT,
  type Repayment,
  type RepaymentCreateParams,
  RepaymentCreateSchema,
} from '@lendwire/contract';
import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm';
import { loanInstallments, loanOffers, loans, repayments } from '../db/schema.js';
import { allocatePayment, OverpaymentError } from '../lending/allocation.js';
import { assertAccountActive, tenantNow } from '../lending/guards.js';
import {
  applyTransition,
  applyTransitionIfAllowed,
  calendarDay,
  daysBetween,
  delinquencyBucket,
  type InstallmentRow,
  type LoanRow,
  money,
  type OfferRow,
  type RepaymentRow,
  toInstallment,
  toLoan,
  toOffer,
  toRepayment,
  unpaid,
} from '../lending/rows.js';
import { buildSchedule } from '../lending/schedule.js';
import { inTransaction, type ServiceContext, ServiceError, type TenantScope } from './context.js';
import { createEventsService, type EventRequest } from './events.js';
import { createLedgerService } from './ledger.js';
import { type PageParams, toPage } from './pagination.js';
import { createWalletsService } from './wallets.js';

/** Filters of the offer and loan lists. */
export interface LendingListParams<S extends string> extends PageParams {
  customerId?: string | undefined;
  status?: S | undefined;
}

/** A repayment to settle: manual (settles now) or a mandate collection that the rail accepted. */
interface Settlement {
  scope: TenantScope;
  loan: LoanRow;
  amount: number;
  request: EventRequest | null;
}

/**
 * Offers, loans, their schedules and repayments (DESIGN §4). Disbursement, repayment and write-off
 * are each one transaction: the compare-and-set of the loan, the installments, the ledger posting
 * and the events commit together.
 */
/**
 * The loan's balance and next due date as of now (inside the transaction that settles or fails a
 * repayment), kept with the repayment's event so its notification says what was true then.
 */
async function loanContext(tx: ServiceContext, scope: TenantScope, loanId: string) {
  const loan = await createLoansService(tx).get(scope, loanId);
  return { loan: { outstanding: loan.outstanding.total, nextDueDate: loan.nextDueDate } };
}

export function createLoansService(ctx: ServiceContext) {
  const { db } = ctx;
  const ownedLoan = (scope: TenantScope) =>
    and(eq(loans.accountId, scope.accountId), eq(loans.livemode, scope.livemode));
  const ownedOffer = (scope: TenantScope) =>
    and(eq(loanOffers.accountId, scope.accountId), eq(loanOffers.livemode, scope.livemode));
  const ownedRepayment = (scope: TenantScope) =>
    and(eq(repayments.accountId, scope.accountId), eq(repayments.livemode, scope.livemode));

  const installmentsOf = (d: ServiceContext['db'], loanIds: string[]) =>
    loanIds.length === 0
      ? Promise.resolve([] as InstallmentRow[])
      : d
          .select()
          .from(loanInstallments)
          .where(inArray(loanInstallments.loanId, loanIds))
          .orderBy(asc(loanInstallments.loanId), asc(loanInstallments.number));

  async function loanRow(d: ServiceContext['db'], scope: TenantScope, id: string, lock = false): Promise<LoanRow> {
    const query = d
      .select()
      .from(loans)
      .where(and(ownedLoan(scope), eq(loans.id, id)));
    const [row] = lock ? await query.for('update') : await query;
    if (!row) throw new ServiceError('not_found', `No loan ${id}`);
    return row;
  }

  async function loanOf(d: ServiceContext['db'], row: LoanRow): Promise<Loan> {
    return toLoan(row, await installmentsOf(d, [row.id]));
  }

  const moveLoan = (tx: ServiceContext, scope: TenantScope, id: string, action: string, set: Partial<LoanRow> = {}) =>
    applyTransition<LoanRow>({
      db: tx.db,
      table: loans,
      machine: LOAN,
      action,
      id,
      where: ownedLoan(scope),
      set,
      now: ctx.now(),
      label: 'loan',
    });

  /**
   * Applies a payment to a locked, active loan inside `tx`: allocates it, updates the installments
   * (compare-and-set on each one's status), posts collections → loan funding, interest income and
   * fee income, refreshes delinquency and pays the loan off when nothing is left. Returns the
   * allocation and the loan after it.
   */
  async function settle(tx: ServiceContext, s: Settlement, repaymentId: string, today: string) {
    const rows = await tx.db
      .select()
      .from(loanInstallments)
      .where(eq(loanInstallments.loanId, s.loan.id))
      .orderBy(asc(loanInstallments.number))
      .for('update');
    let allocation: ReturnType<typeof allocatePayment>;
    try {
      allocation = allocatePayment(rows, s.amount);
    } catch (error) {
      if (error instanceof OverpaymentError) {
        throw new ServiceError(
          'unprocessable',
          `amount ${s.amount} is more than the ${error.outstanding} still owed on loan ${s.loan.id}; pay at most the outstanding total`,
        );
      }
      throw error;
    }
    const now = ctx.now();
    const after = new Map(rows.map((r) => [r.number, r]));
    for (const part of allocation.installments) {
      const row = after.get(part.number)!;
      const to = INSTALLMENT.next(row.status, part.paidInFull ? 'pay_in_full' : 'pay_part');
      if (!to) throw new ServiceError('state_conflict', `Installment ${part.number} of ${s.loan.id} is ${row.status}`);
      const [updated] = await tx.db
        .update(loanInstallments)
        .set({
          status: to,
          paidFees: row.paidFees + part.fees,
          paidInterest: row.paidInterest + part.interest,
          paidPrincipal: row.paidPrincipal + part.principal,
          nextCollectionAt: part.paidInFull ? null : row.nextCollectionAt,
          updatedAt: now,
        })
        .where(
          and(
            eq(loanInstallments.loanId, s.loan.id),
            eq(loanInstallments.number, part.number),
            eq(loanInstallments.status, row.status),
          ),
        )
        .returning();
      if (!updated) throw new ServiceError('state_conflict', `Installment ${part.number} of ${s.loan.id} changed`);
      after.set(part.number, updated);
    }
    // The posting is returned, to be made last: it locks the shared system accounts (collections,
    // loan funding, interest income) until commit, so every statement before it would hold them too.
    const post = async () => {
      const ledger = createLedgerService(tx);
      const { currency, livemode } = s.loan;
      const entries = [
        { ledgerAccountId: await ledger.systemAccount('collections', currency, livemode), amount: -s.amount, currency },
      ];
      const credit = async (kind: 'loan_funding' | 'interest_income' | 'fee_income', amount: number) => {
        if (amount > 0) {
          entries.push({ ledgerAccountId: await ledger.systemAccount(kind, currency, livemode), amount, currency });
        }
      };
      await credit('loan_funding', allocation.principal);
      await credit('interest_income', allocation.interest);
      await credit('fee_income', allocation.fees);
      await ledger.post({
        reference: `${repaymentId}:settle`,
        type: 'repayment_collection',
        description: `Repayment ${repaymentId} of loan ${s.loan.id}`,
        livemode,
        entries,
      });
    };
    const installments = [...after.values()];
    const loan = await refreshDelinquency(tx, s.loan, installments, today, true);
    return { allocation, loan, installments, post };
  }

  /**
   * Refuses to change what a loan owes while a mandate collection of it is in flight (the rail may
   * already have taken the money): call with the loan row locked, as the scheduler's claim holds it.
   */
  async function assertNoCollectionInFlight(tx: ServiceContext, loan: LoanRow, action: string): Promise<void> {
    const [inFlight] = await tx.db
      .select({ id: repayments.id })
      .from(repayments)
      .where(and(eq(repayments.loanId, loan.id), eq(repayments.status, 'pending')));
    if (inFlight) {
      throw new ServiceError(
        'state_conflict',
        `Cannot ${action} loan ${loan.id} while its mandate collection ${inFlight.id} is in flight; retry once it settles (repayment.succeeded or repayment.failed)`,
      );
    }
  }

  /** After a repayment's own event: a loan with nothing left is paid off (`loan.paid_off`). */
  async function payOffIfSettled(
    tx: ServiceContext,
    scope: TenantScope,
    loan: LoanRow,
    installments: readonly InstallmentRow[],
    request: EventRequest | null,
  ): Promise<void> {
    if (installments.some((i) => unpaid(i).total > 0)) return;
    const paid = await moveLoan(tx, scope, loan.id, 'pay_off', { daysPastDue: 0, delinquencyBucket: 'current' });
    await createEventsService(tx).record(scope, 'loan.paid_off', toLoan(paid, installments), {
      previousAttributes: { status: 'active' },
      request,
    });
  }

  const service = {
    // ----------------------------------------------------------------------------------- offers

    /** An offer of this tenant (404 for other tenants'). */
    async getOffer(scope: TenantScope, id: string): Promise<LoanOffer> {
      const [row] = await db
        .select()
        .from(loanOffers)
        .where(and(ownedOffer(scope), eq(loanOffers.id, id)));
      if (!row) throw new ServiceError('not_found', `No loan offer ${id}`);
      return toOffer(row);
    },

    /** The tenant's offers, newest first. */
    async listOffers(scope: TenantScope, params: LendingListParams<LoanOfferStatus>): Promise<ListEnvelope<LoanOffer>> {
      const filters = [ownedOffer(scope)];
      if (params.startingAfter) filters.push(lt(loanOffers.id, params.startingAfter));
      if (params.customerId) filters.push(eq(loanOffers.customerId, params.customerId));
      if (params.status) filters.push(eq(loanOffers.status, params.status));
      const rows = await db
        .select()
        .from(loanOffers)
        .where(and(...filters))
        .orderBy(desc(loanOffers.id))
        .limit(params.limit + 1);
      return toPage(rows, params.limit, (r) => toOffer(r));
    },

    /**
     * Accepts an open offer before it expires: creates the loan, pending disbursement. An offer past
     * its `expiresAt` is refused with 409 even if the scheduler has not marked it expired yet.
     */
    async acceptOffer(scope: TenantScope, id: string, request: EventRequest | null = null): Promise<LoanOffer> {
      await assertAccountActive(ctx, scope, 'accept loan offers');
      const now = await tenantNow(ctx, scope);
      const created = ctx.now();
      return inTransaction(ctx, async (tx) => {
        const loanId = generateId('loan', created.getTime());
        const offer = await applyTransition<OfferRow>({
          db: tx.db,
          table: loanOffers,
          machine: LOAN_OFFER,
          action: 'accept',
          id,
          where: ownedOffer(scope),
          set: { loanId },
          now: created,
          label: 'loan offer',
        });
        if (offer.expiresAt.getTime() <= now.getTime()) {
          throw new ServiceError(
            'state_conflict',
            `Cannot accept a loan_offer that is expired (it expired at ${offer.expiresAt.toISOString()})`,
          );
        }
        const [row] = await tx.db
          .insert(loans)
          .values({
            id: loanId,
            accountId: scope.accountId,
            livemode: scope.livemode,
            applicationId: offer.applicationId,
            offerId: offer.id,
            customerId: offer.customerId,
            principal: offer.principal,
            currency: offer.currency,
            annualRateBps: offer.annualRateBps,
            termMonths: offer.termMonths,
            amortization: offer.amortization,
            originationFee: offer.originationFee,
            status: 'pending_disbursement',
            createdAt: created,
            updatedAt: created,
          })
          .returning();
        const loan = toLoan(row!, []);
        const accepted = toOffer(offer);
        await createEventsService(tx).record(scope, 'loan_offer.accepted', accepted, {
          previousAttributes: { status: 'open', loanId: null },
          request,
        });
        return { ...accepted, loan };
      });
    },

    /** Declines an open offer. */
    async declineOffer(scope: TenantScope, id: string, request: EventRequest | null = null): Promise<LoanOffer> {
      return inTransaction(ctx, async (tx) => {
        const row = await applyTransition<OfferRow>({
          db: tx.db,
          table: loanOffers,
          machine: LOAN_OFFER,
          action: 'decline',
          id,
          where: ownedOffer(scope),
          now: ctx.now(),
          label: 'loan offer',
        });
        const offer = toOffer(row);
        await createEventsService(tx).record(scope, 'loan_offer.declined', offer, {
          previousAttributes: { status: 'open' },
          request,
        });
        return offer;
      });
    },

    // ------------------------------------------------------------------------------------ loans

    /** A loan of this tenant with its outstanding amounts (404 for other tenants'). */
    async get(scope: TenantScope, id: string): Promise<Loan> {
      return loanOf(db, await loanRow(db, scope, id));
    },

    /** The tenant's loans, newest first. */
    async list(scope: TenantScope, params: LendingListParams<LoanStatus>): Promise<ListEnvelope<Loan>> {
      const filters = [ownedLoan(scope)];
      if (params.startingAfter) filters.push(lt(loans.id, params.startingAfter));
      if (params.customerId) filters.push(eq(loans.customerId, params.customerId));
      if (params.status) filters.push(eq(loans.status, params.status));
      const rows = await db
        .select()
        .from(loans)
        .where(and(...filters))
        .orderBy(desc(loans.id))
        .limit(params.limit + 1);
      const page = rows.slice(0, params.limit);
      const installments = await installmentsOf(
        db,
        page.map((r) => r.id),
      );
      const byLoan = new Map<string, InstallmentRow[]>();
      for (const row of installments) {
        const list = byLoan.get(row.loanId);
        if (list) list.push(row);
        else byLoan.set(row.loanId, [row]);
      }
      return toPage(rows, params.limit, (r) => toLoan(r, byLoan.get(r.id) ?? []));
    },

    /**
     * The loan's installments. Before disbursement the schedule is a projection as if the loan were
     * disbursed now (the due dates move to the actual disbursement date).
     */
    async schedule(scope: TenantScope, id: string): Promise<LoanSchedule> {
      const row = await loanRow(db, scope, id);
      let data: Installment[];
      if (row.status === 'pending_disbursement') {
        const now = await tenantNow(ctx, scope);
        data = buildSchedule({
          principal: row.principal,
          annualRateBps: row.annualRateBps,
          termMonths: row.termMonths,
          amortization: row.amortization,
          disbursedAt: now,
        }).map((i) => ({
          number: i.number,
          dueDate: i.dueDate,
          principal: money(i.principal, row.currency),
          interest: money(i.interest, row.currency),
          fees: money(i.fees, row.currency),
          total: money(i.total, row.currency),
          paid: money(0, row.currency),
          status: 'upcoming' as const,
        }));
      } else {
        data = (await installmentsOf(db, [row.id])).map((i) => toInstallment(i, row.currency));
      }
      return { object: 'list', data, hasMore: false, nextCursor: null };
    },

    /**
     * Disburses a loan pending disbursement: posts loan funding → the vendor's wallet less the
     * origination fee → fee income, writes the schedule from the tenant's current date, and makes
     * the loan `active`, in one transaction.
     */
    async disburse(scope: TenantScope, id: string, request: EventRequest | null = null): Promise<Loan> {
      await assertAccountActive(ctx, scope, 'disburse loans');
      const now = await tenantNow(ctx, scope);
      return inTransaction(ctx, async (tx) => {
        const row = await moveLoan(tx, scope, id, 'disburse', { disbursedAt: now });
        const schedule = buildSchedule({
          principal: row.principal,
          annualRateBps: row.annualRateBps,
          termMonths: row.termMonths,
          amortization: row.amortization,
          disbursedAt: now,
        });
        const written = ctx.now();
        const installments = await tx.db
          .insert(loanInstallments)
          .values(
            schedule.map((i) => ({
              loanId: row.id,
              number: i.number,
              accountId: scope.accountId,
              livemode: scope.livemode,
              dueDate: i.dueDate,
              principal: i.principal,
              interest: i.interest,
              fees: i.fees,
              status: 'upcoming' as const,
              updatedAt: written,
            })),
          )
          .returning();
        const wallet = await createWalletsService(tx).ensure(scope, row.currency);
        const ledger = createLedgerService(tx);
        const entries = [
          {
            ledgerAccountId: await ledger.systemAccount('loan_funding', row.currency, row.livemode),
            amount: -row.principal,
            currency: row.currency,
          },
          {
            ledgerAccountId: wallet.availableAccountId,
            amount: row.principal - row.originationFee,
            currency: row.currency,
          },
        ];
        if (row.originationFee > 0) {
          entries.push({
            ledgerAccountId: await ledger.systemAccount('fee_income', row.currency, row.livemode),
            amount: row.originationFee,
            currency: row.currency,
          });
        }
        await ledger.post({
          reference: `${row.id}:disburse`,
          type: 'disbursement',
          description: `Disbursement of loan ${row.id}`,
          livemode: row.livemode,
          entries,
        });
        const loan = toLoan(row, installments);
        await createEventsService(tx).record(scope, 'loan.disbursed', loan, {
          previousAttributes: { status: 'pending_disbursement', disbursedAt: null },
          request,
        });
        return loan;
      });
    },

    /** The platform writes an active loan off: nothing more is collected. */
    async writeOff(scope: TenantScope, id: string, request: EventRequest | null = null): Promise<Loan> {
      return inTransaction(ctx, async (tx) => {
        await assertNoCollectionInFlight(tx, await loanRow(tx.db, scope, id, true), 'write off');
        const row = await moveLoan(tx, scope, id, 'write_off');
        const loan = await loanOf(tx.db, row);
        await createEventsService(tx).record(scope, 'loan.written_off', loan, {
          previousAttributes: { status: 'active' },
          request,
        });
        return loan;
      });
    },

    /**
     * Records a manual repayment of an active loan and settles it at once (allocation, ledger,
     * `repayment.succeeded`, and `loan.paid_off` when nothing is left). More than the outstanding
     * total is refused with 422.
     */
    async repay(
      scope: TenantScope,
      loanId: string,
      params: RepaymentCreateParams,
      request: EventRequest | null = null,
    ): Promise<Repayment> {
      const input = RepaymentCreateSchema.parse(params);
      await assertAccountActive(ctx, scope, 'take repayments');
      const today = calendarDay(await tenantNow(ctx, scope));
      return inTransaction(ctx, async (tx) => {
        const loan = await loanRow(tx.db, scope, loanId, true);
        if (loan.status !== 'active') {
          throw new ServiceError('state_conflict', `Cannot repay a loan that is ${loan.status} (allowed from: active)`);
        }
        await assertNoCollectionInFlight(tx, loan, 'repay');
        if (input.currency && input.currency !== loan.currency) {
          throw new ServiceError('unprocessable', `Loan ${loan.id} is in ${loan.currency}, not ${input.currency}`);
        }
        const created = ctx.now();
        const id = generateId('repayment', created.getTime());
        const settled = await settle(tx, { scope, loan, amount: input.amount, request }, id, today);
        const { allocation } = settled;
        const [row] = await tx.db
          .insert(repayments)
          .values({
            id,
            accountId: scope.accountId,
            livemode: scope.livemode,
            loanId: loan.id,
            amount: input.amount,
            currency: loan.currency,
            source: 'manual',
            status: 'succeeded',
            allocatedFees: allocation.fees,
            allocatedInterest: allocation.interest,
            allocatedPrincipal: allocation.principal,
            createdAt: created,
            updatedAt: created,
          })
          .returning();
        const repayment = toRepayment(row!);
        await createEventsService(tx).record(scope, 'repayment.succeeded', repayment, {
          request,
          context: await loanContext(tx, scope, loan.id),
        });
        await payOffIfSettled(tx, scope, settled.loan, settled.installments, request);
        await settled.post();
        return repayment;
      });
    },

    /**
     * Settles a pending mandate collection the rail collected (the scheduler's work): the repayment
     * succeeds with its allocation. Returns null when it was no longer pending (another worker did it).
     */
    async settleCollection(repaymentId: string): Promise<Repayment | null> {
      return inTransaction(ctx, async (tx) => {
        const [found] = await tx.db.select().from(repayments).where(eq(repayments.id, repaymentId));
        if (found?.status !== 'pending') return null;
        const scope = { accountId: found.accountId, livemode: found.livemode };
        const today = calendarDay(await tenantNow(tx, scope));
        // Locks in the order every lending write takes them (the loan, then its repayments), then
        // reads the repayment again: a second worker settling the same collection waits here and
        // finds it settled.
        const loan = await loanRow(tx.db, scope, found.loanId, true);
        const [pending] = await tx.db.select().from(repayments).where(eq(repayments.id, repaymentId)).for('update');
        if (pending?.status !== 'pending') return null;
        // Cannot happen while manual repayments and write-offs wait for collections in flight (both
        // refuse with 409); kept as a guard so a collection is never applied to more than is owed.
        const owed = (await installmentsOf(tx.db, [loan.id])).reduce((sum, i) => sum + unpaid(i).total, 0);
        if (loan.status !== 'active' || owed < pending.amount) {
          return service.failCollection(repaymentId, 'loan_settled', 'The loan no longer owes this amount', tx);
        }
        const settled = await settle(tx, { scope, loan, amount: pending.amount, request: null }, repaymentId, today);
        const { allocation } = settled;
        const row = await applyTransition<RepaymentRow>({
          db: tx.db,
          table: repayments,
          machine: REPAYMENT,
          action: 'succeed',
          id: repaymentId,
          set: {
            allocatedFees: allocation.fees,
            allocatedInterest: allocation.interest,
            allocatedPrincipal: allocation.principal,
          },
          now: ctx.now(),
          label: 'repayment',
        });
        const repayment = toRepayment(row);
        await createEventsService(tx).record(scope, 'repayment.succeeded', repayment, {
          previousAttributes: { status: 'pending' },
          context: await loanContext(tx, scope, loan.id),
        });
        await payOffIfSettled(tx, scope, settled.loan, settled.installments, null);
        await settled.post();
        return repayment;
      });
    },

    /** Marks a pending collection failed with the rail's reason (`repayment.failed`). */
    async failCollection(
      repaymentId: string,
      code: string,
      message: string,
      on: ServiceContext = ctx,
    ): Promise<Repayment | null> {
      return inTransaction(on, async (tx) => {
        const row = await applyTransitionIfAllowed<RepaymentRow>({
          db: tx.db,
          table: repayments,
          machine: REPAYMENT,
          action: 'fail',
          id: repaymentId,
          set: { failureCode: code, failureMessage: message },
          now: ctx.now(),
          label: 'repayment',
        });
        if (!row) return null;
        const repayment = toRepayment(row);
        const scope = { accountId: row.accountId, livemode: row.livemode };
        await createEventsService(tx).record(scope, 'repayment.failed', repayment, {
          previousAttributes: { status: 'pending', failureCode: null, failureMessage: null },
          context: await loanContext(tx, scope, row.loanId),
        });
        return repayment;
      });
    },

    /** A repayment of this tenant (404 for other tenants'). */
    async getRepayment(scope: TenantScope, id: string): Promise<Repayment> {
      const [row] = await db
        .select()
        .from(repayments)
        .where(and(ownedRepayment(scope), eq(repayments.id, id)));
      if (!row) throw new ServiceError('not_found', `No repayment ${id}`);
      return toRepayment(row);
    },

    /** The repayments of one of the tenant's loans, newest first (404 for another tenant's loan). */
    async listRepayments(scope: TenantScope, loanId: string, page: PageParams): Promise<ListEnvelope<Repayment>> {
      await loanRow(db, scope, loanId);
      const filters = [ownedRepayment(scope), eq(repayments.loanId, loanId)];
      if (page.startingAfter) filters.push(lt(repayments.id, page.startingAfter));
      const rows = await db
        .select()
        .from(repayments)
        .where(and(...filters))
        .orderBy(desc(repayments.id))
        .limit(page.limit + 1);
      return toPage(rows, page.limit, toRepayment);
    },
  };
  return service;
}

/**
 * Recomputes a loan's days past due and bucket from its installments on `today` (the tenant's date):
 * the days since the oldest due date of an installment still unpaid after it.
 */
export async function refreshDelinquency(
  tx: ServiceContext,
  loan: LoanRow,
  installments: readonly InstallmentRow[],
  today: string,
  /** Write `updatedAt` even when delinquency is unchanged (a payment changed what is outstanding). */
  touch = false,
): Promise<LoanRow> {
  let days = 0;
  for (const i of installments) {
    if (unpaid(i).total > 0 && i.dueDate < today) days = Math.max(days, daysBetween(i.dueDate, today));
  }
  const bucket = delinquencyBucket(days);
  if (!touch && days === loan.daysPastDue && bucket === loan.delinquencyBucket) return loan;
  const [row] = await tx.db
    .update(loans)
    .set({ daysPastDue: days, delinquencyBucket: bucket, updatedAt: tx.now() })
    .where(eq(loans.id, loan.id))
    .returning();
  return row ?? loan;
}

/** The loans service. */
export type LoansService = ReturnType<typeof createLoansService>;
