import {
  generateId,
  type ListEnvelope,
  LOAN_APPLICATION,
  type LoanApplication,
  type LoanApplicationApproveParams,
  LoanApplicationApproveSchema,
  type LoanApplicationCreateParams,
  LoanApplicationCreateSchema,
  type LoanApplicationRejectParams,
  LoanApplicationRejectSchema,
  type LoanApplicationStatus,
} from '@lendwire/contract';
import { and, desc, eq, lt } from 'drizzle-orm';
import { loanApplications, loanOffers } from '../db/schema.js';
import { assertAccountActive, tenantNow } from '../lending/guards.js';
import { type ApplicationRow, applyTransition, type OfferRow, toApplication, toOffer } from '../lending/rows.js';
import { buildSchedule, installmentAmount, totalRepayable } from '../lending/schedule.js';
import { inTransaction, lendingConfig, type ServiceContext, ServiceError, type TenantScope } from './context.js';
import { createCustomersService } from './customers.js';
import { createEventsService, type EventRequest } from './events.js';
import { type PageParams, toPage } from './pagination.js';

/** Filters of `GET /v1/loan-applications`. */
export interface ApplicationListParams extends PageParams {
  customerId?: string | undefined;
  status?: LoanApplicationStatus | undefined;
}

/**
 * Loan applications (DESIGN §4): a partner submits for its customer and may withdraw; the platform
 * approves with an offer (`loans:review`) or rejects with a reason. Each transition is a
 * compare-and-set with its event in the same transaction.
 */
export function createLoanApplicationsService(ctx: ServiceContext) {
  const { db } = ctx;
  const owned = (scope: TenantScope) =>
    and(eq(loanApplications.accountId, scope.accountId), eq(loanApplications.livemode, scope.livemode));

  const move = (
    tx: ServiceContext,
    scope: TenantScope,
    id: string,
    action: string,
    set: Partial<ApplicationRow> = {},
  ): Promise<ApplicationRow> =>
    applyTransition<ApplicationRow>({
      db: tx.db,
      table: loanApplications,
      machine: LOAN_APPLICATION,
      action,
      id,
      where: owned(scope),
      set,
      now: ctx.now(),
      label: 'loan application',
    });

  const service = {
    /** Submits an application for one of the tenant's customers (404 for another tenant's). */
    async create(
      scope: TenantScope,
      params: LoanApplicationCreateParams,
      request: EventRequest | null = null,
    ): Promise<LoanApplication> {
      const input = LoanApplicationCreateSchema.parse(params);
      await assertAccountActive(ctx, scope, 'apply for loans');
      const customer = await createCustomersService(ctx).get(scope, input.customerId);
      if (!customer) throw new ServiceError('not_found', `No customer ${input.customerId}`);
      const limits = lendingConfig(ctx);
      if (input.amount.amount < limits.minAmount || input.amount.amount > limits.maxAmount) {
        throw new ServiceError(
          'unprocessable',
          `amount must be between ${limits.minAmount} and ${limits.maxAmount} minor units (the product limits); got ${input.amount.amount}`,
        );
      }
      if (input.termMonths < limits.minTermMonths || input.termMonths > limits.maxTermMonths) {
        throw new ServiceError(
          'unprocessable',
          `termMonths must be between ${limits.minTermMonths} and ${limits.maxTermMonths} (the product limits); got ${input.termMonths}`,
        );
      }
      const now = ctx.now();
      return inTransaction(ctx, async (tx) => {
        const [row] = await tx.db
          .insert(loanApplications)
          .values({
            id: generateId('loanApplication', now.getTime()),
            accountId: scope.accountId,
            livemode: scope.livemode,
            customerId: input.customerId,
            amount: input.amount.amount,
            currency: input.amount.currency,
            termMonths: input.termMonths,
            purpose: input.purpose,
            status: 'submitted',
            metadata: input.metadata,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        const application = toApplication(row!);
        await createEventsService(tx).record(scope, 'loan_application.submitted', application, { request });
        return application;
      });
    },

    /** An application of this tenant (404 for other tenants'). */
    async get(scope: TenantScope, id: string): Promise<LoanApplication> {
      const [row] = await db
        .select()
        .from(loanApplications)
        .where(and(owned(scope), eq(loanApplications.id, id)));
      if (!row) throw new ServiceError('not_found', `No loan application ${id}`);
      return toApplication(row);
    },

    /** The tenant's applications, newest first, optionally of one customer or status. */
    async list(scope: TenantScope, params: ApplicationListParams): Promise<ListEnvelope<LoanApplication>> {
      const filters = [owned(scope)];
      if (params.startingAfter) filters.push(lt(loanApplications.id, params.startingAfter));
      if (params.customerId) filters.push(eq(loanApplications.customerId, params.customerId));
      if (params.status) filters.push(eq(loanApplications.status, params.status));
      const rows = await db
        .select()
        .from(loanApplications)
        .where(and(...filters))
        .orderBy(desc(loanApplications.id))
        .limit(params.limit + 1);
      return toPage(rows, params.limit, (r) => toApplication(r));
    },

    /** The partner withdraws a submitted application. */
    async withdraw(scope: TenantScope, id: string, request: EventRequest | null = null): Promise<LoanApplication> {
      return inTransaction(ctx, async (tx) => {
        const row = await move(tx, scope, id, 'withdraw');
        const application = toApplication(row);
        await createEventsService(tx).record(scope, 'loan_application.withdrawn', application, {
          previousAttributes: { status: 'submitted' },
          request,
        });
        return application;
      });
    },

    /** The platform rejects a submitted application with a reason shown to the customer. */
    async reject(
      scope: TenantScope,
      id: string,
      params: LoanApplicationRejectParams,
      request: EventRequest | null = null,
    ): Promise<LoanApplication> {
      const input = LoanApplicationRejectSchema.parse(params);
      return inTransaction(ctx, async (tx) => {
        const row = await move(tx, scope, id, 'reject', { rejectionReason: input.reason });
        const application = toApplication(row);
        await createEventsService(tx).record(scope, 'loan_application.rejected', application, {
          previousAttributes: { status: 'submitted', rejectionReason: null },
          request,
        });
        return application;
      });
    },

    /**
     * The platform approves a submitted application and makes an offer on the given terms: the
     * installment amount and total repayable are priced here, the offer is open until `expiresAt`
     * (default {@link LendingConfig.offerExpiryDays} days on the tenant's clock).
     */
    async approve(
      scope: TenantScope,
      id: string,
      params: LoanApplicationApproveParams,
      request: EventRequest | null = null,
    ): Promise<LoanApplication> {
      const { offer: terms } = LoanApplicationApproveSchema.parse(params);
      const application = await service.get(scope, id);
      if (terms.principal.currency !== application.amount.currency) {
        throw new ServiceError(
          'unprocessable',
          `offer.principal is in ${terms.principal.currency}, but the application asks for ${application.amount.currency}`,
        );
      }
      const limits = lendingConfig(ctx);
      if (terms.principal.amount < limits.minAmount || terms.principal.amount > limits.maxAmount) {
        throw new ServiceError(
          'unprocessable',
          `offer.principal must be between ${limits.minAmount} and ${limits.maxAmount} minor units (the product limits); got ${terms.principal.amount}`,
        );
      }
      if (terms.termMonths > limits.maxTermMonths || terms.termMonths < limits.minTermMonths) {
        throw new ServiceError(
          'unprocessable',
          `offer.termMonths must be between ${limits.minTermMonths} and ${limits.maxTermMonths}; got ${terms.termMonths}`,
        );
      }
      const now = await tenantNow(ctx, scope);
      const expiresAt = terms.expiresAt
        ? new Date(terms.expiresAt)
        : new Date(now.getTime() + limits.offerExpiryDays * 86_400_000);
      if (expiresAt.getTime() <= now.getTime()) {
        throw new ServiceError('unprocessable', 'offer.expiresAt must be in the future');
      }
      const loanTerms = {
        principal: terms.principal.amount,
        annualRateBps: terms.annualInterestRateBps,
        termMonths: terms.termMonths,
        amortization: terms.amortization,
      };
      const feeBps = terms.originationFeeBps ?? limits.defaultOriginationFeeBps;
      const originationFee = Math.floor((terms.principal.amount * feeBps) / 10_000);
      const total = totalRepayable(buildSchedule({ ...loanTerms, disbursedAt: now }));
      const created = ctx.now();
      return inTransaction(ctx, async (tx) => {
        const offerId = generateId('loanOffer', created.getTime());
        const row = await move(tx, scope, id, 'approve', { offerId });
        const [offerRow] = await tx.db
          .insert(loanOffers)
          .values({
            id: offerId,
            accountId: scope.accountId,
            livemode: scope.livemode,
            applicationId: id,
            customerId: row.customerId,
            principal: terms.principal.amount,
            currency: terms.principal.currency,
            annualRateBps: terms.annualInterestRateBps,
            termMonths: terms.termMonths,
            amortization: terms.amortization,
            originationFeeBps: feeBps,
            originationFee,
            installmentAmount: installmentAmount(loanTerms),
            totalRepayable: total,
            status: 'open',
            expiresAt,
            createdAt: created,
            updatedAt: created,
          })
          .returning();
        const offer = toOffer(offerRow as OfferRow);
        const approved = toApplication(row);
        const events = createEventsService(tx);
        await events.record(scope, 'loan_application.approved', approved, {
          previousAttributes: { status: 'submitted', offerId: null },
          request,
        });
        await events.record(scope, 'loan_offer.created', offer, { request });
        return { ...approved, offer };
      });
    },
  };
  return service;
}

/** The loan applications service. */
export type LoanApplicationsService = ReturnType<typeof createLoanApplicationsService>;
