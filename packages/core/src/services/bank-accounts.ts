import {
  type BankAccount,
  type BankAccountCreateParams,
  BankAccountCreateSchema,
  generateId,
  type ListEnvelope,
} from '@lendwire/contract';
import { and, desc, eq, lt } from 'drizzle-orm';
import { bankAccounts } from '../db/schema.js';
import { inTransaction, type ServiceContext, ServiceError, secretBoxOf, type TenantScope } from './context.js';
import { createEventsService, type EventRequest } from './events.js';
import { type PageParams, toPage } from './pagination.js';

type BankAccountRow = typeof bankAccounts.$inferSelect;

/** The public shape of a bank account: never the full number. */
export function toBankAccount(row: BankAccountRow): BankAccount {
  return {
    id: row.id,
    object: 'bank_account',
    bankCode: row.bankCode,
    last4: row.last4,
    accountName: row.accountName,
    currency: row.currency as BankAccount['currency'],
    status: row.status,
    metadata: row.metadata,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Bank accounts for withdrawals. The number is encrypted (AES-GCM) before it reaches the database
 * and is decrypted only to pay out; `last4` is what anyone ever sees. Adding and removing write
 * `bank_account.added|removed` in the same transaction.
 */
export function createBankAccountsService(ctx: ServiceContext) {
  const { db } = ctx;
  const owned = (scope: TenantScope) =>
    and(eq(bankAccounts.accountId, scope.accountId), eq(bankAccounts.livemode, scope.livemode));
  const box = () => secretBoxOf(ctx, 'Bank accounts');

  const service = {
    /** Adds a bank account after the rail has resolved it. */
    async create(
      scope: TenantScope,
      params: BankAccountCreateParams,
      request: EventRequest | null = null,
    ): Promise<BankAccount> {
      const input = BankAccountCreateSchema.parse(params);
      const rail = ctx.rail;
      if (rail) {
        const resolved = await rail.resolveAccount({ bankCode: input.bankCode, accountNumber: input.accountNumber });
        if (!resolved.ok)
          throw new ServiceError(
            'unprocessable',
            `The bank could not verify this account: ${resolved.message} (${resolved.code})`,
          );
      }
      const now = ctx.now();
      const sealed = await box().encrypt(input.accountNumber);
      const fingerprint = await box().fingerprint(input.accountNumber);
      return inTransaction(ctx, async (tx) => {
        const [row] = await tx.db
          .insert(bankAccounts)
          .values({
            id: generateId('bankAccount', now.getTime()),
            accountId: scope.accountId,
            livemode: scope.livemode,
            bankCode: input.bankCode,
            accountNumberEncrypted: sealed,
            accountNumberHash: fingerprint,
            last4: input.accountNumber.slice(-4),
            accountName: input.accountName,
            currency: input.currency,
            status: 'verified',
            metadata: input.metadata,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        const account = toBankAccount(row!);
        await createEventsService(tx).record(scope, 'bank_account.added', account, { request });
        return account;
      });
    },

    /** A bank account of this tenant (404 for other tenants'). */
    async get(scope: TenantScope, id: string): Promise<BankAccount> {
      const [row] = await db
        .select()
        .from(bankAccounts)
        .where(and(owned(scope), eq(bankAccounts.id, id)));
      if (!row) throw new ServiceError('not_found', `No bank account ${id}`);
      return toBankAccount(row);
    },

    /** The tenant's bank accounts that are not removed, newest first. */
    async list(scope: TenantScope, page: PageParams): Promise<ListEnvelope<BankAccount>> {
      const filters = [owned(scope), eq(bankAccounts.status, 'verified')];
      if (page.startingAfter) filters.push(lt(bankAccounts.id, page.startingAfter));
      const rows = await db
        .select()
        .from(bankAccounts)
        .where(and(...filters))
        .orderBy(desc(bankAccounts.id))
        .limit(page.limit + 1);
      return toPage(rows, page.limit, toBankAccount);
    },

    /** Removes a bank account (kept for the withdrawals that name it, never used again). */
    async remove(scope: TenantScope, id: string, request: EventRequest | null = null): Promise<BankAccount> {
      return inTransaction(ctx, async (tx) => {
        const [row] = await tx.db
          .update(bankAccounts)
          .set({ status: 'removed', updatedAt: ctx.now() })
          .where(and(owned(scope), eq(bankAccounts.id, id), eq(bankAccounts.status, 'verified')))
          .returning();
        if (!row) {
          // On the transaction's connection (PGlite has one): 404 when it is not this tenant's.
          await createBankAccountsService(tx).get(scope, id);
          throw new ServiceError('state_conflict', `Bank account ${id} is already removed`);
        }
        const account = toBankAccount(row);
        await createEventsService(tx).record(scope, 'bank_account.removed', account, {
          previousAttributes: { status: 'verified' },
          request,
        });
        return account;
      });
    },

    /** The full account number, for a payout only. Never log or return it. */
    async accountNumber(scope: TenantScope, id: string): Promise<string> {
      const [row] = await db
        .select({ sealed: bankAccounts.accountNumberEncrypted })
        .from(bankAccounts)
        .where(and(owned(scope), eq(bankAccounts.id, id)));
      if (!row) throw new ServiceError('not_found', `No bank account ${id}`);
      return box().decrypt(row.sealed);
    },
  };
  return service;
}

/** The bank accounts service. */
export type BankAccountsService = ReturnType<typeof createBankAccountsService>;
