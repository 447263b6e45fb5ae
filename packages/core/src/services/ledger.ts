import { CURRENCY_EXPONENTS, generateId } from '@lendwire/contract';
import { eq, sql } from 'drizzle-orm';
import { PgDialect, type PgPreparedQuery, type PreparedQueryConfig } from 'drizzle-orm/pg-core';
import type { Db } from '../db/index.js';
import { ledgerAccounts, ledgerEntries } from '../db/schema.js';
import { type ServiceContext, ServiceError } from './context.js';

/** The kinds of system ledger account, one per currency and mode. */
export type SystemAccountKind = 'loan_funding' | 'fee_income' | 'interest_income' | 'collections' | 'external_bank';

/** One line of a posting: a signed amount in minor units on one ledger account. */
export interface Entry {
  ledgerAccountId: string;
  amount: number;
  currency: string;
}

/** A money movement to post. */
export interface PostingInput {
  /** Unique per movement (e.g. `withdrawal:wd_…:reserve`): posting it again is a no-op. */
  reference: string;
  /** Wallet transaction type (§7), e.g. `withdrawal_reserve`. */
  type: string;
  description?: string;
  livemode: boolean;
  entries: Entry[];
}

/** The outcome of a posting: its transaction id, and whether this call made it. */
export interface PostingResult {
  transactionId: string;
  created: boolean;
}

/** Rows of a raw `db.execute`: postgres.js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Thrown by {@link LedgerService.post} when a guarded account (a wallet's available) would go negative. */
export class InsufficientFundsError extends ServiceError {
  constructor() {
    super('insufficient_funds', 'Not enough available funds in the wallet');
    this.name = 'InsufficientFundsError';
  }
}

/** True when `error` (or its cause) is the guard's CHECK violation. */
function isGuardViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const { code, constraint, constraint_name } = e as Record<string, unknown>;
    if (code === '23514' && (constraint ?? constraint_name) === 'ledger_accounts_guard') return true;
    if (code === '23514' && String((e as { message?: unknown }).message).includes('ledger_accounts_guard')) return true;
  }
  return false;
}

/** Id of a system account: deterministic, so posting to one needs no lookup. */
export function systemAccountId(kind: SystemAccountKind, currency: string, livemode: boolean): string {
  return `lac_${kind}_${currency.toLowerCase()}_${livemode ? 'live' : 'test'}`;
}

/** Refuses postings that are not balanced, not integral, or name an account twice. */
function checkEntries(input: PostingInput): void {
  if (input.entries.length < 2) throw new ServiceError('unprocessable', 'A posting needs at least two entries');
  const sums = new Map<string, number>();
  const seen = new Set<string>();
  for (const e of input.entries) {
    if (!Number.isSafeInteger(e.amount)) {
      throw new ServiceError('unprocessable', `Entry amounts are integer minor units; got ${e.amount}`);
    }
    if (seen.has(e.ledgerAccountId)) {
      throw new ServiceError('unprocessable', `Ledger account ${e.ledgerAccountId} appears twice in one posting`);
    }
    seen.add(e.ledgerAccountId);
    sums.set(e.currency, (sums.get(e.currency) ?? 0) + e.amount);
  }
  for (const [currency, sum] of sums) {
    if (sum !== 0) throw new ServiceError('unprocessable', `Entries in ${currency} sum to ${sum}, not zero`);
  }
}

/** The values of one run of {@link postingQuery}, by placeholder name. */
type PostingParams = {
  id: string;
  reference: string;
  type: string;
  description: string;
  livemode: boolean;
  createdAt: string;
  /** The entries as three parallel arrays (`unnest` zips them back into rows). */
  accountIds: string[];
  amounts: number[];
  currencies: string[];
};

const param = (name: keyof PostingParams) => sql.placeholder(name);

/**
 * A posting in one statement: insert the transaction unless its reference exists, then its entries,
 * lock the accounts in id order, move their balances. Built once with placeholders and run as a
 * prepared statement (see {@link postingStatementOf}), so Postgres can keep its plan.
 *
 * The entries come as three typed arrays, each read through a scalar subquery. That hides their
 * length from the planner: it costs `d` at 10 rows (`jsonb_to_recordset` is costed at 100, which
 * made it scan every ledger account to lock and update two) whatever the values, so the trial custom
 * plans cost the same as the generic one, and after five runs Postgres keeps the generic plan: key
 * lookups on `ledger_accounts`, nothing planned per posting. A bare `unnest($1::text[], …)` is
 * costed on the exact length in custom plans only; those then always look cheaper and every posting
 * is planned again.
 */
const postingQuery = new PgDialect().sqlToQuery(sql`
  with t as (
    insert into ledger_transactions (id, reference, type, description, livemode, created_at)
    values (${param('id')}, ${param('reference')}, ${param('type')}, ${param('description')}, ${param('livemode')}, ${param('createdAt')}::timestamptz)
    on conflict (reference) do nothing
    returning id
  ), d as (
    select * from unnest(
      (select ${param('accountIds')}::text[]), (select ${param('amounts')}::bigint[]), (select ${param('currencies')}::text[])
    ) as d(account_id, amount, currency)
  ), e as (
    insert into ledger_entries (transaction_id, ledger_account_id, amount, currency)
    select t.id, d.account_id, d.amount, d.currency from t, d
  ), l as (
    -- Lock the accounts in id order first: two postings on the same pair never deadlock.
    select a.id from ledger_accounts a
    where a.id in (select account_id from d) and exists (select 1 from t)
    order by a.id for update
  ), u as (
    update ledger_accounts a set balance = a.balance + d.amount
    from d, l where a.id = d.account_id and l.id = a.id
  )
  select count(*) as inserted from t`);

/** The posting statement prepared on each Drizzle session (the pool's, or one transaction's). */
const preparedPostings = new WeakMap<Db['_']['session'], PgPreparedQuery<PreparedQueryConfig>>();

/**
 * The posting statement on `database`'s own session, so it runs inside the caller's transaction when
 * `database` is one. Drizzle's `db.execute` never prepares: postgres.js then sends a statement with
 * parameters in two round trips (parse and describe, then bind and execute) and Postgres parses and
 * plans it every time. A query prepared with a name runs as a named statement, which postgres.js
 * keeps per connection: one round trip, no re-planning. (PGlite has no named statements: there it
 * runs as before.)
 */
function postingStatementOf(database: Db): PgPreparedQuery<PreparedQueryConfig> {
  const session = database._.session;
  let statement = preparedPostings.get(session);
  if (!statement) {
    statement = session.prepareQuery(postingQuery, undefined, 'ledger_post', false);
    preparedPostings.set(session, statement);
  }
  return statement;
}

/**
 * The double-entry ledger. A posting is one SQL statement: it inserts the transaction (unless its
 * reference exists), its entries, and moves the balances, so it is atomic on its own and joins the
 * caller's transaction when the service runs on one. Guarded accounts (wallets' `available`)
 * cannot go below zero: a CHECK constraint refuses the update, whatever runs concurrently.
 */
export function createLedgerService(ctx: ServiceContext) {
  const { db } = ctx;
  const ensured = new Set<string>();

  async function sameEntries(database: Db, reference: string, entries: Entry[]): Promise<string> {
    const rows = rowsOf<{ id: string; ledger_account_id: string; amount: string | number; currency: string }>(
      await database.execute(
        sql`select t.id, e.ledger_account_id, e.amount, e.currency from ledger_transactions t join ledger_entries e on e.transaction_id = t.id where t.reference = ${reference}`,
      ),
    );
    const key = (e: { ledgerAccountId: string; amount: number; currency: string }) =>
      `${e.ledgerAccountId}|${e.amount}|${e.currency}`;
    const stored = rows
      .map((r) => key({ ledgerAccountId: r.ledger_account_id, amount: Number(r.amount), currency: r.currency }))
      .sort();
    const wanted = entries.map(key).sort();
    if (rows.length === 0 || stored.join() !== wanted.join()) {
      throw new ServiceError(
        'state_conflict',
        `Ledger reference ${reference} was already posted with other entries; use a new reference for a new movement`,
      );
    }
    return rows[0]!.id;
  }

  return {
    /** Makes sure the system account exists and returns its id. */
    async systemAccount(kind: SystemAccountKind, currency: string, livemode: boolean): Promise<string> {
      const id = systemAccountId(kind, currency, livemode);
      // Migration 0003 created every system account of every accepted currency: no statement needed.
      if (ensured.has(id) || Object.hasOwn(CURRENCY_EXPONENTS, currency)) return id;
      await db
        .insert(ledgerAccounts)
        .values({ id, accountId: null, livemode, currency, kind, guarded: false, balance: 0, createdAt: ctx.now() })
        .onConflictDoNothing();
      ensured.add(id);
      return id;
    },

    /** Posts a balanced movement once per reference (see the service's description). */
    async post(input: PostingInput): Promise<PostingResult> {
      checkEntries(input);
      const id = generateId('transaction', ctx.now().getTime());
      const params: PostingParams = {
        id,
        reference: input.reference,
        type: input.type,
        description: input.description ?? '',
        livemode: input.livemode,
        createdAt: ctx.now().toISOString(),
        accountIds: input.entries.map((e) => e.ledgerAccountId),
        amounts: input.entries.map((e) => e.amount),
        currencies: input.entries.map((e) => e.currency),
      };
      let rows: Array<{ inserted: string | number }>;
      try {
        rows = rowsOf(await postingStatementOf(db).execute(params));
      } catch (error) {
        if (isGuardViolation(error)) throw new InsufficientFundsError();
        throw error;
      }
      if (Number(rows[0]?.inserted) === 1) return { transactionId: id, created: true };
      return { transactionId: await sameEntries(db, input.reference, input.entries), created: false };
    },

    /** Balance of one ledger account (minor units). */
    async balance(ledgerAccountId: string): Promise<number> {
      const [row] = await db
        .select({ balance: ledgerAccounts.balance })
        .from(ledgerAccounts)
        .where(eq(ledgerAccounts.id, ledgerAccountId));
      if (!row) throw new ServiceError('not_found', `No ledger account ${ledgerAccountId}`);
      return row.balance;
    },

    /** Sum of every entry of one ledger account (for checks: equals its balance). */
    async sumOfEntries(ledgerAccountId: string): Promise<number> {
      const [row] = await db
        .select({ sum: sql<string | null>`sum(${ledgerEntries.amount})` })
        .from(ledgerEntries)
        .where(eq(ledgerEntries.ledgerAccountId, ledgerAccountId));
      return Number(row?.sum ?? 0);
    },

    /** Sum of all entries per currency (for checks: always zero). */
    async totalsByCurrency(): Promise<Record<string, number>> {
      const rows = await db
        .select({ currency: ledgerEntries.currency, sum: sql<string>`sum(${ledgerEntries.amount})` })
        .from(ledgerEntries)
        .groupBy(ledgerEntries.currency);
      return Object.fromEntries(rows.map((r) => [r.currency, Number(r.sum)]));
    },
  };
}

/** The ledger service. */
export type LedgerService = ReturnType<typeof createLedgerService>;
