import {
  type CreditAssessment,
  type CreditAssessmentCreateParams,
  CreditAssessmentCreateSchema,
  generateId,
  type ListEnvelope,
} from '@lendwire/contract';
import { and, desc, eq, lt } from 'drizzle-orm';
import { creditAssessments } from '../db/schema.js';
import { parseTransactionHistory, scoreTransactions } from '../lending/credit.js';
import { toAssessment } from '../lending/rows.js';
import { inTransaction, type ServiceContext, ServiceError, type TenantScope } from './context.js';
import { createCustomersService } from './customers.js';
import { createEventsService, type EventRequest } from './events.js';
import { LENDING_WORK_JOB } from './mandates.js';
import { type PageParams, toPage } from './pagination.js';

/** Filters of `GET /v1/credit-assessments`. */
export interface AssessmentListParams extends PageParams {
  customerId?: string | undefined;
}

/**
 * Credit assessments (DESIGN §4): an uploaded transaction history is validated row by row at once
 * (`transaction_history.uploaded`, status `pending`), then scored asynchronously by the documented
 * formula in `lending/credit.ts` (`credit_assessment.completed`). The rows are dropped once scored.
 */
export function createCreditAssessmentsService(ctx: ServiceContext) {
  const { db } = ctx;
  const owned = (scope: TenantScope) =>
    and(eq(creditAssessments.accountId, scope.accountId), eq(creditAssessments.livemode, scope.livemode));

  const service = {
    /**
     * Uploads a history for the tenant itself or one of its customers. Refused (422) when no row is
     * valid; otherwise the invalid rows are reported in `errors` and the rest are scored.
     */
    async create(
      scope: TenantScope,
      params: CreditAssessmentCreateParams,
      request: EventRequest | null = null,
    ): Promise<CreditAssessment> {
      const input = CreditAssessmentCreateSchema.parse(params);
      if (input.customerId && !(await createCustomersService(ctx).get(scope, input.customerId))) {
        throw new ServiceError('not_found', `No customer ${input.customerId}`);
      }
      const { rows, errors } = parseTransactionHistory({ transactions: input.transactions, csv: input.csv });
      if (rows.length === 0) {
        const first = errors
          .slice(0, 3)
          .map((e) => e.message)
          .join('; ');
        throw new ServiceError(
          'unprocessable',
          `The transaction history has no valid rows${first ? ` (${first})` : ''}`,
        );
      }
      const now = ctx.now();
      return inTransaction(ctx, async (tx) => {
        const [row] = await tx.db
          .insert(creditAssessments)
          .values({
            id: generateId('creditAssessment', now.getTime()),
            accountId: scope.accountId,
            livemode: scope.livemode,
            customerId: input.customerId ?? null,
            status: 'pending',
            rowsAccepted: rows.length,
            errors,
            transactions: rows,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        const assessment = toAssessment(row!);
        await createEventsService(tx).record(scope, 'transaction_history.uploaded', assessment, { request });
        await ctx.enqueue?.(tx.db, LENDING_WORK_JOB, { accountId: scope.accountId, livemode: scope.livemode });
        return assessment;
      });
    },

    /** An assessment of this tenant (404 for other tenants'). */
    async get(scope: TenantScope, id: string): Promise<CreditAssessment> {
      const [row] = await db
        .select()
        .from(creditAssessments)
        .where(and(owned(scope), eq(creditAssessments.id, id)));
      if (!row) throw new ServiceError('not_found', `No credit assessment ${id}`);
      return toAssessment(row);
    },

    /** The tenant's assessments, newest first. */
    async list(scope: TenantScope, params: AssessmentListParams): Promise<ListEnvelope<CreditAssessment>> {
      const filters = [owned(scope)];
      if (params.startingAfter) filters.push(lt(creditAssessments.id, params.startingAfter));
      if (params.customerId) filters.push(eq(creditAssessments.customerId, params.customerId));
      const rows = await db
        .select()
        .from(creditAssessments)
        .where(and(...filters))
        .orderBy(desc(creditAssessments.id))
        .limit(params.limit + 1);
      return toPage(rows, params.limit, toAssessment);
    },

    /** Scores a pending assessment (the scheduler's work); a no-op for one already scored. */
    async evaluate(id: string): Promise<CreditAssessment['status']> {
      return inTransaction(ctx, async (tx) => {
        const [row] = await tx.db.select().from(creditAssessments).where(eq(creditAssessments.id, id)).for('update');
        if (!row) throw new ServiceError('not_found', `No credit assessment ${id}`);
        if (row.status !== 'pending') return row.status;
        const result = scoreTransactions(parseTransactionHistory({ transactions: row.transactions ?? [] }).rows);
        const [done] = await tx.db
          .update(creditAssessments)
          .set({
            status: 'completed',
            score: result.score,
            category: result.category,
            breakdown: result.breakdown,
            transactions: null,
            updatedAt: ctx.now(),
          })
          .where(eq(creditAssessments.id, id))
          .returning();
        await createEventsService(tx).record(
          { accountId: row.accountId, livemode: row.livemode },
          'credit_assessment.completed',
          toAssessment(done!),
          { previousAttributes: { status: 'pending', score: null, category: null } },
        );
        return 'completed';
      });
    },
  };
  return service;
}

/** The credit assessments service. */
export type CreditAssessmentsService = ReturnType<typeof createCreditAssessmentsService>;
