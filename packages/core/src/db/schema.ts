import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Partner accounts and the one platform account. Accounts span test and live mode. */
export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    contactEmail: text('contact_email').notNull(),
    tier: text('tier', { enum: ['free', 'growth', 'scale'] })
      .notNull()
      .default('free'),
    status: text('status', { enum: ['active', 'suspended'] })
      .notNull()
      .default('active'),
    platform: boolean('platform').notNull().default(false),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('accounts_one_platform').on(t.platform).where(sql`${t.platform}`)],
);

/** API keys: identity, scopes and limits. Secrets live in {@link apiKeySecrets}, hashed. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    name: text('name').notNull(),
    start: text('start').notNull(),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    expiresAt: ts('expires_at'),
    ipAllowlist: jsonb('ip_allowlist').$type<string[] | null>(),
    rateLimit: jsonb('rate_limit').$type<{ requests: number; windowSeconds: number } | null>(),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    revokedAt: ts('revoked_at'),
    rotatedAt: ts('rotated_at'),
    previousSecretExpiresAt: ts('previous_secret_expires_at'),
    lastUsedAt: ts('last_used_at'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [index('api_keys_account_idx').on(t.accountId, t.livemode, t.id)],
);

/**
 * Secrets of a key, stored only as SHA-256 (hex). A key has one current secret (`expiresAt` null)
 * and, after a rotation with a grace period, old secrets that work until their `expiresAt`.
 */
export const apiKeySecrets = pgTable(
  'api_key_secrets',
  {
    hash: text('hash').primaryKey(),
    keyId: text('key_id')
      .notNull()
      .references(() => apiKeys.id),
    start: text('start').notNull(),
    expiresAt: ts('expires_at'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [index('api_key_secrets_key_idx').on(t.keyId)],
);

/** Request counters per key per UTC day. */
export const apiKeyUsage = pgTable(
  'api_key_usage',
  {
    keyId: text('key_id')
      .notNull()
      .references(() => apiKeys.id),
    day: date('day', { mode: 'string' }).notNull(),
    requests: bigint('requests', { mode: 'number' }).notNull().default(0),
    clientErrors: bigint('client_errors', { mode: 'number' }).notNull().default(0),
    serverErrors: bigint('server_errors', { mode: 'number' }).notNull().default(0),
    rateLimited: bigint('rate_limited', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.day] })],
);

/** Customers of partner accounts. */
export const customers = pgTable(
  'customers',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('customers_account_idx').on(t.accountId, t.livemode, t.id)],
);

/** Stored responses of POSTs sent with an `Idempotency-Key`, kept 24 hours. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: ['in_flight', 'completed'] }).notNull(),
    lockedAt: ts('locked_at').notNull(),
    responseStatus: integer('response_status'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    responseBody: text('response_body'),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.livemode, t.key] }), index('idempotency_expires_idx').on(t.expiresAt)],
);

// ---------------------------------------------------------------------------------------------------
// Money core: the ledger, wallets, bank accounts, withdrawals and the event outbox.

const money = (name: string) => bigint(name, { mode: 'number' });

/**
 * Ledger accounts: one per wallet bucket (`wallet_available`, `wallet_pending`) and one per system
 * account, currency and mode (`account_id` null). `balance` is the sum of the account's entries,
 * kept in the same statement that writes them; `guarded` accounts may never go below zero (a CHECK
 * constraint, so a concurrent overdraft fails inside Postgres, not in a race of ours).
 */
export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    currency: text('currency').notNull(),
    kind: text('kind', {
      enum: [
        'wallet_available',
        'wallet_pending',
        'loan_funding',
        'fee_income',
        'interest_income',
        'collections',
        'external_bank',
      ],
    }).notNull(),
    walletId: text('wallet_id'),
    guarded: boolean('guarded').notNull().default(false),
    balance: money('balance').notNull().default(0),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    check('ledger_accounts_guard', sql`not ${t.guarded} or ${t.balance} >= 0`),
    uniqueIndex('ledger_accounts_system').on(t.kind, t.currency, t.livemode).where(sql`${t.accountId} is null`),
    uniqueIndex('ledger_accounts_wallet').on(t.walletId, t.kind),
    // Target of the entries' (account, currency) key: an entry cannot carry another currency.
    uniqueIndex('ledger_accounts_id_currency').on(t.id, t.currency),
  ],
);

/** Wallets: one per account, currency and mode; balances live on its two ledger accounts. */
export const wallets = pgTable(
  'wallets',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    currency: text('currency').notNull(),
    availableAccountId: text('available_account_id').notNull(),
    pendingAccountId: text('pending_account_id').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('wallets_owner_currency').on(t.accountId, t.livemode, t.currency)],
);

/** Ledger transactions: one money movement, unique by `reference` (posting is idempotent). */
export const ledgerTransactions = pgTable(
  'ledger_transactions',
  {
    id: text('id').primaryKey(),
    reference: text('reference').notNull(),
    type: text('type').notNull(),
    description: text('description').notNull().default(''),
    livemode: boolean('livemode').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [uniqueIndex('ledger_transactions_reference').on(t.reference)],
);

/** Ledger entries: signed amounts; the entries of a transaction sum to zero per currency. */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    transactionId: text('transaction_id')
      .notNull()
      .references(() => ledgerTransactions.id),
    ledgerAccountId: text('ledger_account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.transactionId, t.ledgerAccountId] }),
    index('ledger_entries_account').on(t.ledgerAccountId, t.transactionId),
    foreignKey({
      name: 'ledger_entries_account_currency',
      columns: [t.ledgerAccountId, t.currency],
      foreignColumns: [ledgerAccounts.id, ledgerAccounts.currency],
    }),
  ],
);

/** Bank accounts for payouts. The number is stored only encrypted (AES-GCM) plus its last 4. */
export const bankAccounts = pgTable(
  'bank_accounts',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    bankCode: text('bank_code').notNull(),
    accountNumberEncrypted: text('account_number_encrypted').notNull(),
    /** Keyed hash of the number, to find duplicates without decrypting. */
    accountNumberHash: text('account_number_hash').notNull(),
    last4: text('last4').notNull(),
    accountName: text('account_name').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: ['verified', 'removed'] }).notNull(),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('bank_accounts_owner').on(t.accountId, t.livemode, t.id)],
);

/** Withdrawals from a wallet to a bank account. */
export const withdrawals = pgTable(
  'withdrawals',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    walletId: text('wallet_id')
      .notNull()
      .references(() => wallets.id),
    bankAccountId: text('bank_account_id')
      .notNull()
      .references(() => bankAccounts.id),
    amount: money('amount').notNull(),
    fee: money('fee').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: ['pending', 'processing', 'succeeded', 'failed'] }).notNull(),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    description: text('description'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('withdrawals_owner').on(t.accountId, t.livemode, t.id)],
);

/** The event outbox: written in the transaction of the state change it records. */
export const events = pgTable(
  'events',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    type: text('type').notNull(),
    apiVersion: text('api_version').notNull(),
    data: jsonb('data').$type<{ object: unknown; previousAttributes?: unknown }>().notNull(),
    request: jsonb('request').$type<{ id: string | null; idempotencyKey: string | null } | null>(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    index('events_owner').on(t.accountId, t.livemode, t.id),
    index('events_owner_type').on(t.accountId, t.livemode, t.type, t.id),
  ],
);

/** Test-mode clocks: each account's test time runs `offset_ms` ahead of real time. */
export const testClocks = pgTable('test_clocks', {
  accountId: text('account_id')
    .primaryKey()
    .references(() => accounts.id),
  offsetMs: bigint('offset_ms', { mode: 'number' }).notNull().default(0),
  updatedAt: ts('updated_at').notNull(),
});

/**
 * The payment-rail simulator's own books: one row per payout reference it settled or failed for
 * good. Stands in for the bank partner's records (a real rail keeps these on its side).
 */
export const railPayouts = pgTable('rail_payouts', {
  reference: text('reference').primaryKey(),
  amount: money('amount').notNull(),
  currency: text('currency').notNull(),
  result: jsonb('result').notNull(),
  createdAt: ts('created_at').notNull(),
});
