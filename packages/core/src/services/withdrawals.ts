import {
  generateId,
  type ListEnvelope,
  type Withdrawal,
  type WithdrawalCreateParams,
  WithdrawalCreateSchema,
} from '@lendwire/contract';
import { and, desc, eq, lt } from 'drizzle-orm';
import { accounts, withdrawals } from '../db/schema.js';
import { createBankAccountsService } from './bank-accounts.js';
import { type FeeSchedule, inTransaction, type ServiceContext, ServiceError, type TenantScope } from './context.js';
import { createEventsService, type EventRequest } from './events.js';
import { createLedgerService } from './ledger.js';
import { type PageParams, toPage } from './pagination.js';
import { createWalletsService } from './wallets.js';

/** Name of the durable job that pays a withdrawal out. */
export const PAYOUT_JOB = 'withdrawal-payout';
/** Attempts of a payout before a retryable failure counts as final (then the funds are released). */
export const PAYOUT_ATTEMPTS = 5;

type WithdrawalRow = typeof withdrawals.$inferSelect;

/** The public shape of a withdrawal. */
export function toWithdrawal(row: WithdrawalRow): Withdrawal {
  const money = (amount: number) => ({ amount, currency: row.currency as Withdrawal['amount']['currency'] });
  return {
    id: row.id,
    object: 'withdrawal',
    walletId: row.walletId,
    bankAccountId: row.bankAccountId,
    amount: money(row.amount),
    fee: money(row.fee),
    status: row.status,
    failureCode: row.failureCode,
    failureMessage: row.failureMessage,
    reference: row.id,
    description: row.description,
    metadata: row.metadata,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The fee of a withdrawal of `amount` (minor units). */
export function withdrawalFee(amount: number, schedule: FeeSchedule): number {
  const fee = schedule.flat + Math.floor((amount * schedule.bps) / 10_000);
  return schedule.cap === null ? fee : Math.min(fee, schedule.cap);
}

/**
 * Withdrawals (DESIGN §4): creation reserves `amount + fee` (available → pending), writes the
 * withdrawal and `withdrawal.created`, and enqueues the payout job, in one transaction. The job
 * pays out through the rail with the withdrawal id as the rail's idempotency reference; success
 * moves pending to the external bank and fee income, a final failure releases it to available.
 */
export function createWithdrawalsService(ctx: ServiceContext) {
  const { db } = ctx;
  const owned = (scope: TenantScope) =>
    and(eq(withdrawals.accountId, scope.accountId), eq(withdrawals.livemode, scope.livemode));

  /** Compare-and-set of the status; null when the row was not in `from`. */
  async function transition(
    tx: ServiceContext,
    id: string,
    from: WithdrawalRow['status'],
    to: WithdrawalRow['status'],
    extra: Partial<WithdrawalRow> = {},
  ): Promise<WithdrawalRow | null> {
    const [row] = await tx.db
      .update(withdrawals)
      .set({ status: to, updatedAt: ctx.now(), ...extra })
      .where(and(eq(withdrawals.id, id), eq(withdrawals.status, from)))
      .returning();
    return row ?? null;
  }

  const service = {
    /** Creates a withdrawal (see the service's description). 422 `insufficient_funds` when short. */
    async create(
      scope: TenantScope,
      params: WithdrawalCreateParams,
      request: EventRequest | null = null,
    ): Promise<Withdrawal> {
      const input = WithdrawalCreateSchema.parse(params);
      const [owner] = await db
        .select({ status: accounts.status })
        .from(accounts)
        .where(eq(accounts.id, scope.accountId));
      if (owner?.status !== 'active') {
        throw new ServiceError('unprocessable', `Account ${scope.accountId} is suspended and cannot withdraw`);
      }
      if (scope.livemode && ctx.liveRail === false) {
        throw new ServiceError(
          'unprocessable',
          'Live withdrawals need a payment rail, and this deployment has only the simulator; use a test key (lw_test_…) to try withdrawals',
        );
      }
      const bank = await createBankAccountsService(ctx).get(scope, input.bankAccountId);
      if (bank.status !== 'verified') throw new ServiceError('unprocessable', `Bank account ${bank.id} was removed`);
      if (input.currency && input.currency !== bank.currency) {
        throw new ServiceError(
          'unprocessable',
          `Bank account ${bank.id} takes ${bank.currency}, not ${input.currency}`,
        );
      }
      const currency = bank.currency;
      const fee = withdrawalFee(input.amount, ctx.withdrawalFee ?? { flat: 0, bps: 0, cap: null });
      return inTransaction(ctx, async (tx) => {
        // Inside the transaction: a refused withdrawal leaves no empty wallet behind.
        const wallet = await createWalletsService(tx).ensure(scope, currency);
        const now = ctx.now();
        const id = generateId('withdrawal', now.getTime());
        const [row] = await tx.db
          .insert(withdrawals)
          .values({
            id,
            accountId: scope.accountId,
            livemode: scope.livemode,
            walletId: wallet.id,
            bankAccountId: bank.id,
            amount: input.amount,
            fee,
            currency,
            status: 'pending',
            description: input.description ?? null,
            metadata: input.metadata,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await createLedgerService(tx).post({
          reference: `${id}:reserve`,
          type: 'withdrawal_reserve',
          description: `Withdrawal ${id} to bank account ${bank.id}`,
          livemode: scope.livemode,
          entries: [
            { ledgerAccountId: wallet.availableAccountId, amount: -(input.amount + fee), currency },
            { ledgerAccountId: wallet.pendingAccountId, amount: input.amount + fee, currency },
          ],
        });
        const withdrawal = toWithdrawal(row!);
        await createEventsService(tx).record(scope, 'withdrawal.created', withdrawal, { request });
        await ctx.enqueue?.(tx.db, PAYOUT_JOB, {
          withdrawalId: id,
          accountId: scope.accountId,
          livemode: scope.livemode,
        });
        return withdrawal;
      });
    },

    /** A withdrawal of this tenant (404 for other tenants'). */
    async get(scope: TenantScope, id: string): Promise<Withdrawal> {
      const [row] = await db
        .select()
        .from(withdrawals)
        .where(and(owned(scope), eq(withdrawals.id, id)));
      if (!row) throw new ServiceError('not_found', `No withdrawal ${id}`);
      return toWithdrawal(row);
    },

    /** The tenant's withdrawals, newest first. */
    async list(scope: TenantScope, page: PageParams): Promise<ListEnvelope<Withdrawal>> {
      const filters = [owned(scope)];
      if (page.startingAfter) filters.push(lt(withdrawals.id, page.startingAfter));
      const rows = await db
        .select()
        .from(withdrawals)
        .where(and(...filters))
        .orderBy(desc(withdrawals.id))
        .limit(page.limit + 1);
      return toPage(rows, page.limit, toWithdrawal);
    },

    /**
     * Pays a withdrawal out (the payout job's work). Safe to run again after a crash at any point:
     * the rail is called with the withdrawal id as reference (it pays once), and the settlement is a
     * compare-and-set plus a posting with a fixed reference. Throws on a retryable rail failure
     * before the last attempt, so the job is retried with backoff.
     */
    async processPayout(withdrawalId: string, attempt: number): Promise<Withdrawal['status']> {
      const [found] = await db.select().from(withdrawals).where(eq(withdrawals.id, withdrawalId));
      if (!found) throw new ServiceError('not_found', `No withdrawal ${withdrawalId}`);
      if (found.status === 'succeeded' || found.status === 'failed') return found.status;
      const scope = { accountId: found.accountId, livemode: found.livemode };
      let row = found;
      if (row.status === 'pending') {
        row = (await transition(ctx, row.id, 'pending', 'processing')) ?? row;
      }
      const bank = await createBankAccountsService(ctx).get(scope, row.bankAccountId);
      const accountNumber = await createBankAccountsService(ctx).accountNumber(scope, row.bankAccountId);
      if (!ctx.rail) throw new Error('No payment rail configured');
      const result = await ctx.rail.payout({
        reference: row.id,
        amount: row.amount,
        currency: row.currency,
        bankCode: bank.bankCode,
        accountNumber,
        accountName: bank.accountName,
        attempt,
      });
      if (result.status === 'failed' && result.retryable && attempt + 1 < PAYOUT_ATTEMPTS) {
        throw new Error(`payout ${row.id} failed with ${result.code}; will retry`);
      }
      const wallet = await createWalletsService(ctx).get(scope, row.walletId);
      const total = row.amount + row.fee;
      return inTransaction(ctx, async (tx) => {
        const ledger = createLedgerService(tx);
        if (result.status === 'succeeded') {
          const done = await transition(tx, row.id, 'processing', 'succeeded');
          if (!done) return (await createWithdrawalsService(tx).get(scope, row.id)).status;
          const entries = [
            { ledgerAccountId: wallet.pendingAccountId, amount: -total, currency: row.currency },
            {
              ledgerAccountId: await ledger.systemAccount('external_bank', row.currency, row.livemode),
              amount: row.amount,
              currency: row.currency,
            },
          ];
          if (row.fee > 0) {
            entries.push({
              ledgerAccountId: await ledger.systemAccount('fee_income', row.currency, row.livemode),
              amount: row.fee,
              currency: row.currency,
            });
          }
          await ledger.post({
            reference: `${row.id}:settle`,
            type: 'withdrawal_settled',
            description: `Withdrawal ${row.id} paid out`,
            livemode: row.livemode,
            entries,
          });
          await createEventsService(tx).record(scope, 'withdrawal.succeeded', toWithdrawal(done), {
            previousAttributes: { status: 'processing' },
          });
          return 'succeeded';
        }
        const failed = await transition(tx, row.id, 'processing', 'failed', {
          failureCode: result.code,
          failureMessage: result.message,
        });
        if (!failed) return (await createWithdrawalsService(tx).get(scope, row.id)).status;
        await ledger.post({
          reference: `${row.id}:release`,
          type: 'withdrawal_released',
          description: `Withdrawal ${row.id} failed: ${result.code}`,
          livemode: row.livemode,
          entries: [
            { ledgerAccountId: wallet.pendingAccountId, amount: -total, currency: row.currency },
            { ledgerAccountId: wallet.availableAccountId, amount: total, currency: row.currency },
          ],
        });
        await createEventsService(tx).record(scope, 'withdrawal.failed', toWithdrawal(failed), {
          previousAttributes: { status: 'processing' },
        });
        return 'failed';
      });
    },
  };
  return service;
}

/** The withdrawals service. */
export type WithdrawalsService = ReturnType<typeof createWithdrawalsService>;
