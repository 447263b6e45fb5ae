import {
  generateId,
  type ListEnvelope,
  MANDATE,
  type Mandate,
  type MandateCreateParams,
  MandateCreateSchema,
} from '@lendwire/contract';
import { and, desc, eq, lt } from 'drizzle-orm';
import { mandates } from '../db/schema.js';
import { applyTransition, applyTransitionIfAllowed, type MandateRow, toMandate } from '../lending/rows.js';
import { inTransaction, type ServiceContext, ServiceError, secretBoxOf, type TenantScope } from './context.js';
import { createCustomersService } from './customers.js';
import { createEventsService, type EventRequest } from './events.js';
import { type PageParams, toPage } from './pagination.js';

/** Name of the durable job that runs a tenant's pending lending work soon (mandate set-up, assessments). */
export const LENDING_WORK_JOB = 'lending-work';

/** Filters of `GET /v1/mandates`. */
export interface MandateListParams extends PageParams {
  customerId?: string | undefined;
}

/**
 * Direct-debit mandates (DESIGN §4): created `pending`, set up through the payment rail
 * asynchronously (`mandate.activated` or `mandate.failed`), cancelled by the partner. The account
 * number is encrypted at rest and decrypted only to talk to the rail.
 */
export function createMandatesService(ctx: ServiceContext) {
  const { db } = ctx;
  const owned = (scope: TenantScope) =>
    and(eq(mandates.accountId, scope.accountId), eq(mandates.livemode, scope.livemode));
  const box = () => secretBoxOf(ctx, 'Mandates');

  const service = {
    /** Creates a pending mandate for one of the tenant's customers and queues its set-up. */
    async create(scope: TenantScope, params: MandateCreateParams): Promise<Mandate> {
      const input = MandateCreateSchema.parse(params);
      if (scope.livemode && ctx.liveRail === false) {
        throw new ServiceError(
          'unprocessable',
          'Live mandates need a payment rail, and this deployment has only the simulator; use a test key (lw_test_…) to try mandates',
        );
      }
      const customer = await createCustomersService(ctx).get(scope, input.customerId);
      if (!customer) throw new ServiceError('not_found', `No customer ${input.customerId}`);
      const sealed = await box().encrypt(input.accountNumber);
      const now = ctx.now();
      return inTransaction(ctx, async (tx) => {
        const [row] = await tx.db
          .insert(mandates)
          .values({
            id: generateId('mandate', now.getTime()),
            accountId: scope.accountId,
            livemode: scope.livemode,
            customerId: input.customerId,
            bankCode: input.bankCode,
            accountNumberEncrypted: sealed,
            last4: input.accountNumber.slice(-4),
            accountName: input.accountName,
            currency: input.currency ?? 'NGN',
            status: 'pending',
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await ctx.enqueue?.(tx.db, LENDING_WORK_JOB, { accountId: scope.accountId, livemode: scope.livemode });
        return toMandate(row!);
      });
    },

    /** A mandate of this tenant (404 for other tenants'). */
    async get(scope: TenantScope, id: string): Promise<Mandate> {
      const [row] = await db
        .select()
        .from(mandates)
        .where(and(owned(scope), eq(mandates.id, id)));
      if (!row) throw new ServiceError('not_found', `No mandate ${id}`);
      return toMandate(row);
    },

    /** The tenant's mandates, newest first. */
    async list(scope: TenantScope, params: MandateListParams): Promise<ListEnvelope<Mandate>> {
      const filters = [owned(scope)];
      if (params.startingAfter) filters.push(lt(mandates.id, params.startingAfter));
      if (params.customerId) filters.push(eq(mandates.customerId, params.customerId));
      const rows = await db
        .select()
        .from(mandates)
        .where(and(...filters))
        .orderBy(desc(mandates.id))
        .limit(params.limit + 1);
      return toPage(rows, params.limit, toMandate);
    },

    /** Cancels an active mandate: nothing more is collected through it. */
    async cancel(scope: TenantScope, id: string, request: EventRequest | null = null): Promise<Mandate> {
      return inTransaction(ctx, async (tx) => {
        const row = await applyTransition<MandateRow>({
          db: tx.db,
          table: mandates,
          machine: MANDATE,
          action: 'cancel',
          id,
          where: owned(scope),
          now: ctx.now(),
          label: 'mandate',
        });
        const mandate = toMandate(row);
        await createEventsService(tx).record(scope, 'mandate.cancelled', mandate, {
          previousAttributes: { status: 'active' },
          request,
        });
        return mandate;
      });
    },

    /**
     * Sets a pending mandate up through the rail and records the answer (`mandate.activated` or
     * `mandate.failed`). Safe to repeat: a mandate no longer pending is left alone.
     */
    async processSetup(id: string): Promise<Mandate['status']> {
      const [row] = await db.select().from(mandates).where(eq(mandates.id, id));
      if (!row) throw new ServiceError('not_found', `No mandate ${id}`);
      if (row.status !== 'pending') return row.status;
      if (!ctx.rail) throw new Error('No payment rail configured');
      const result = await ctx.rail.setupMandate({
        reference: row.id,
        bankCode: row.bankCode,
        accountNumber: await box().decrypt(row.accountNumberEncrypted),
        accountName: row.accountName,
      });
      const scope = { accountId: row.accountId, livemode: row.livemode };
      return inTransaction(ctx, async (tx) => {
        const moved = await applyTransitionIfAllowed<MandateRow>({
          db: tx.db,
          table: mandates,
          machine: MANDATE,
          action: result.status === 'active' ? 'activate' : 'fail',
          id,
          set: result.status === 'active' ? {} : { failureCode: result.code, failureMessage: result.message },
          now: ctx.now(),
          label: 'mandate',
        });
        // Null: another worker recorded the answer first.
        if (!moved) return (await createMandatesService(tx).get(scope, id)).status;
        await createEventsService(tx).record(
          scope,
          result.status === 'active' ? 'mandate.activated' : 'mandate.failed',
          toMandate(moved),
          {
            previousAttributes:
              result.status === 'active'
                ? { status: 'pending' }
                : { status: 'pending', failureCode: null, failureMessage: null },
          },
        );
        return moved.status;
      });
    },
  };
  return service;
}

/** The mandates service. */
export type MandatesService = ReturnType<typeof createMandatesService>;
