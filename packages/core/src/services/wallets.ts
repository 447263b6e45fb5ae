import { generateId, type ListEnvelope } from '@lendwire/contract';
import { sql } from 'drizzle-orm';
import { ledgerAccounts, wallets } from '../db/schema.js';
import { inTransaction, type ServiceContext, ServiceError, type TenantScope } from './context.js';
import { createLedgerService, rowsOf } from './ledger.js';
import { type PageParams, toPage } from './pagination.js';

/** A wallet with its balances (minor units), as the services pass it around. */
export interface WalletRecord {
  id: string;
  accountId: string;
  livemode: boolean;
  currency: string;
  availableAccountId: string;
  pendingAccountId: string;
  available: number;
  pending: number;
  createdAt: Date;
  updatedAt: Date;
}

/** One wallet transaction (§7): a ledger transaction as seen from one wallet. */
export interface WalletTransactionRecord {
  id: string;
  walletId: string;
  type: string;
  reference: string;
  description: string;
  livemode: boolean;
  currency: string;
  availableChange: number;
  pendingChange: number;
  createdAt: Date;
}

const money = (amount: number, currency: string) => ({ amount, currency });

/** The public shape of a wallet (contract `Wallet`). */
export function toWallet(w: WalletRecord) {
  return {
    id: w.id,
    object: 'wallet' as const,
    currency: w.currency,
    available: money(w.available, w.currency),
    pending: money(w.pending, w.currency),
    livemode: w.livemode,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

/** The public shape of a wallet transaction (contract `WalletTransaction`). */
export function toWalletTransaction(t: WalletTransactionRecord) {
  return {
    id: t.id,
    object: 'wallet_transaction' as const,
    walletId: t.walletId,
    type: t.type,
    amount: money(t.availableChange + t.pendingChange, t.currency),
    availableChange: money(t.availableChange, t.currency),
    pendingChange: money(t.pendingChange, t.currency),
    reference: t.reference,
    description: t.description,
    livemode: t.livemode,
    createdAt: t.createdAt.toISOString(),
  };
}

type WalletRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  currency: string;
  available_account_id: string;
  pending_account_id: string;
  available: string | number;
  pending: string | number;
  created_at: string | Date;
  updated_at: string | Date | null;
};

function toRecord(r: WalletRow): WalletRecord {
  const createdAt = new Date(r.created_at);
  return {
    id: r.id,
    accountId: r.account_id,
    livemode: r.livemode,
    currency: r.currency,
    availableAccountId: r.available_account_id,
    pendingAccountId: r.pending_account_id,
    available: Number(r.available),
    pending: Number(r.pending),
    createdAt,
    updatedAt: r.updated_at ? new Date(r.updated_at) : createdAt,
  };
}

/**
 * Wallets: one per account, currency and mode, created on first need, each with two guarded
 * ledger accounts (`available` may never go negative; `pending` holds reserved funds).
 */
export function createWalletsService(ctx: ServiceContext) {
  const { db } = ctx;

  const select = (where: ReturnType<typeof sql>) => sql`
    select w.id, w.account_id, w.livemode, w.currency, w.available_account_id, w.pending_account_id,
      av.balance as available, pe.balance as pending, w.created_at,
      (select max(t.created_at) from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
        where e.ledger_account_id in (w.available_account_id, w.pending_account_id)) as updated_at
    from wallets w
    join ledger_accounts av on av.id = w.available_account_id
    join ledger_accounts pe on pe.id = w.pending_account_id
    where ${where}`;

  const service = {
    /** The tenant's wallet in `currency`, created (with its ledger accounts) if missing. */
    async ensure(scope: TenantScope, currency: string): Promise<WalletRecord> {
      const found = await service.find(scope, currency);
      if (found) return found;
      const now = ctx.now();
      const id = generateId('wallet', now.getTime());
      const availableAccountId = `lac_${id}_available`;
      const pendingAccountId = `lac_${id}_pending`;
      await db.transaction(async (tx) => {
        const [created] = await tx
          .insert(wallets)
          .values({
            id,
            accountId: scope.accountId,
            livemode: scope.livemode,
            currency,
            availableAccountId,
            pendingAccountId,
            createdAt: now,
          })
          .onConflictDoNothing()
          .returning({ id: wallets.id });
        if (!created) return; // made concurrently by another request
        const base = {
          accountId: scope.accountId,
          livemode: scope.livemode,
          currency,
          walletId: id,
          guarded: true,
          balance: 0,
          createdAt: now,
        };
        await tx.insert(ledgerAccounts).values([
          { ...base, id: availableAccountId, kind: 'wallet_available' },
          { ...base, id: pendingAccountId, kind: 'wallet_pending' },
        ]);
      });
      const made = await service.find(scope, currency);
      if (!made) throw new Error(`wallet for ${currency} not found after creation`);
      return made;
    },

    /**
     * Credits the tenant's wallet in `currency` from the external-bank system account, in one
     * transaction (the wallet is created if missing): test funding, and the one way tests put money
     * in a wallet without a loan. Idempotent by `reference`.
     */
    async fund(
      scope: TenantScope,
      params: { amount: number; currency: string; reference: string; description?: string },
    ) {
      return inTransaction(ctx, async (tx) => {
        const wallets = createWalletsService(tx);
        const ledger = createLedgerService(tx);
        const wallet = await wallets.ensure(scope, params.currency);
        await ledger.post({
          reference: params.reference,
          type: 'funding',
          description: params.description ?? 'Test funds',
          livemode: scope.livemode,
          entries: [
            {
              ledgerAccountId: await ledger.systemAccount('external_bank', params.currency, scope.livemode),
              amount: -params.amount,
              currency: params.currency,
            },
            { ledgerAccountId: wallet.availableAccountId, amount: params.amount, currency: params.currency },
          ],
        });
        return wallets.get(scope, wallet.id);
      });
    },

    /** The tenant's wallet in `currency`, or null. */
    async find(scope: TenantScope, currency: string): Promise<WalletRecord | null> {
      const rows = rowsOf<WalletRow>(
        await db.execute(
          select(
            sql`w.account_id = ${scope.accountId} and w.livemode = ${scope.livemode} and w.currency = ${currency}`,
          ),
        ),
      );
      return rows[0] ? toRecord(rows[0]) : null;
    },

    /** A wallet of this tenant by id (404 for other tenants'). */
    async get(scope: TenantScope, id: string): Promise<WalletRecord> {
      const rows = rowsOf<WalletRow>(
        await db.execute(
          select(sql`w.id = ${id} and w.account_id = ${scope.accountId} and w.livemode = ${scope.livemode}`),
        ),
      );
      if (!rows[0]) throw new ServiceError('not_found', `No wallet ${id}`);
      return toRecord(rows[0]);
    },

    /** The tenant's wallets, newest first. */
    async list(scope: TenantScope, page: PageParams): Promise<ListEnvelope<ReturnType<typeof toWallet>>> {
      const after = page.startingAfter ? sql` and w.id < ${page.startingAfter}` : sql``;
      const rows = rowsOf<WalletRow>(
        await db.execute(
          sql`${select(sql`w.account_id = ${scope.accountId} and w.livemode = ${scope.livemode}${after}`)} order by w.id desc limit ${page.limit + 1}`,
        ),
      );
      return toPage(rows.map(toRecord), page.limit, toWallet);
    },

    /** A wallet's transactions, newest first; they sum to its `available + pending`. */
    async transactions(scope: TenantScope, walletId: string, page: PageParams) {
      const wallet = await service.get(scope, walletId);
      const after = page.startingAfter ? sql` and t.id < ${page.startingAfter}` : sql``;
      const rows = rowsOf<{
        id: string;
        type: string;
        reference: string;
        description: string;
        livemode: boolean;
        created_at: string | Date;
        available_change: string | number;
        pending_change: string | number;
      }>(
        await db.execute(sql`
          select t.id, t.type, t.reference, t.description, t.livemode, t.created_at,
            sum(case when e.ledger_account_id = ${wallet.availableAccountId} then e.amount else 0 end) as available_change,
            sum(case when e.ledger_account_id = ${wallet.pendingAccountId} then e.amount else 0 end) as pending_change
          from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
          where e.ledger_account_id in (${wallet.availableAccountId}, ${wallet.pendingAccountId})${after}
          group by t.id order by t.id desc limit ${page.limit + 1}`),
      );
      const records: WalletTransactionRecord[] = rows.map((r) => ({
        id: r.id,
        walletId: wallet.id,
        type: r.type,
        reference: r.reference,
        description: r.description,
        livemode: r.livemode,
        currency: wallet.currency,
        availableChange: Number(r.available_change),
        pendingChange: Number(r.pending_change),
        createdAt: new Date(r.created_at),
      }));
      return toPage(records, page.limit, toWalletTransaction);
    },
  };
  return service;
}

/** The wallets service. */
export type WalletsService = ReturnType<typeof createWalletsService>;
