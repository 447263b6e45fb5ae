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
    /** Set once the webhook fan-out has made this event's deliveries (null: still to do). */
    fannedOutAt: ts('fanned_out_at'),
    /** Set once the notifier has made this event's notifications (null: still to do). */
    notifiedAt: ts('notified_at'),
    /**
     * Facts as of the event that are not part of its public payload, for the notifier (a repayment's
     * loan balance and next due date right after it): later changes must not rewrite what a message says.
     */
    context: jsonb('context').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('events_fanout_pending').on(t.id).where(sql`${t.fannedOutAt} is null`),
    index('events_notify_pending').on(t.id).where(sql`${t.notifiedAt} is null`),
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

// ---------------------------------------------------------------------------------------------------
// Lending: applications, offers, loans and their installments, repayments, mandates, assessments.

/** Loan applications: a partner's customer asks for an amount over a term. */
export const loanApplications = pgTable(
  'loan_applications',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    termMonths: integer('term_months').notNull(),
    purpose: text('purpose').notNull(),
    status: text('status', { enum: ['submitted', 'approved', 'rejected', 'withdrawn'] }).notNull(),
    rejectionReason: text('rejection_reason'),
    offerId: text('offer_id'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('loan_applications_owner').on(t.accountId, t.livemode, t.id)],
);

/** Offers made on approved applications; accepting one creates a loan. */
export const loanOffers = pgTable(
  'loan_offers',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    applicationId: text('application_id')
      .notNull()
      .references(() => loanApplications.id),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    principal: money('principal').notNull(),
    currency: text('currency').notNull(),
    annualRateBps: integer('annual_rate_bps').notNull(),
    termMonths: integer('term_months').notNull(),
    amortization: text('amortization', { enum: ['equal_installments', 'flat'] }).notNull(),
    originationFeeBps: integer('origination_fee_bps').notNull(),
    originationFee: money('origination_fee').notNull(),
    installmentAmount: money('installment_amount').notNull(),
    totalRepayable: money('total_repayable').notNull(),
    status: text('status', { enum: ['open', 'accepted', 'declined', 'expired'] }).notNull(),
    expiresAt: ts('expires_at').notNull(),
    loanId: text('loan_id'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('loan_offers_owner').on(t.accountId, t.livemode, t.id),
    index('loan_offers_open_expiry').on(t.expiresAt).where(sql`${t.status} = 'open'`),
  ],
);

/** Loans: created pending disbursement when an offer is accepted. */
export const loans = pgTable(
  'loans',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    applicationId: text('application_id')
      .notNull()
      .references(() => loanApplications.id),
    offerId: text('offer_id')
      .notNull()
      .references(() => loanOffers.id),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    principal: money('principal').notNull(),
    currency: text('currency').notNull(),
    annualRateBps: integer('annual_rate_bps').notNull(),
    termMonths: integer('term_months').notNull(),
    amortization: text('amortization', { enum: ['equal_installments', 'flat'] }).notNull(),
    originationFee: money('origination_fee').notNull(),
    status: text('status', { enum: ['pending_disbursement', 'active', 'paid_off', 'written_off'] }).notNull(),
    disbursedAt: ts('disbursed_at'),
    daysPastDue: integer('days_past_due').notNull().default(0),
    delinquencyBucket: text('delinquency_bucket', { enum: ['current', '1_30', '31_60', '61_90', '90_plus'] })
      .notNull()
      .default('current'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('loans_owner').on(t.accountId, t.livemode, t.id),
    index('loans_active').on(t.id).where(sql`${t.status} = 'active'`),
  ],
);

/**
 * The installments of a disbursed loan. Amounts due are fixed at disbursement; the paid parts grow
 * with each repayment (allocated fees → interest → principal, oldest first). The scheduler's marks
 * (`remindedAt`, `overdueAt`) make each reminder and overdue event happen once.
 */
export const loanInstallments = pgTable(
  'loan_installments',
  {
    loanId: text('loan_id')
      .notNull()
      .references(() => loans.id),
    number: integer('number').notNull(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    principal: money('principal').notNull(),
    interest: money('interest').notNull(),
    fees: money('fees').notNull(),
    paidPrincipal: money('paid_principal').notNull().default(0),
    paidInterest: money('paid_interest').notNull().default(0),
    paidFees: money('paid_fees').notNull().default(0),
    status: text('status', { enum: ['upcoming', 'due', 'partially_paid', 'overdue', 'paid'] }).notNull(),
    collectionAttempts: integer('collection_attempts').notNull().default(0),
    nextCollectionAt: ts('next_collection_at'),
    remindedAt: ts('reminded_at'),
    overdueAt: ts('overdue_at'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.loanId, t.number] }),
    index('loan_installments_unpaid_due').on(t.dueDate).where(sql`${t.status} <> 'paid'`),
  ],
);

/** Repayments: manual payments (settled at once) and mandate collections (pending while the rail works). */
export const repayments = pgTable(
  'repayments',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    loanId: text('loan_id')
      .notNull()
      .references(() => loans.id),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    source: text('source', { enum: ['manual', 'mandate'] }).notNull(),
    mandateId: text('mandate_id'),
    /** The installment a collection was made for, and which attempt of it (collections only). */
    installmentNumber: integer('installment_number'),
    attempt: integer('attempt'),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull(),
    allocatedFees: money('allocated_fees').notNull().default(0),
    allocatedInterest: money('allocated_interest').notNull().default(0),
    allocatedPrincipal: money('allocated_principal').notNull().default(0),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('repayments_owner').on(t.accountId, t.livemode, t.id),
    index('repayments_loan').on(t.loanId, t.id),
    // One collection in flight per loan: two schedulers cannot both collect the same installment.
    uniqueIndex('repayments_one_pending').on(t.loanId).where(sql`${t.status} = 'pending'`),
  ],
);

/** Direct-debit mandates; the account number is stored only encrypted, like bank accounts'. */
export const mandates = pgTable(
  'mandates',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    bankCode: text('bank_code').notNull(),
    accountNumberEncrypted: text('account_number_encrypted').notNull(),
    last4: text('last4').notNull(),
    accountName: text('account_name').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: ['pending', 'active', 'failed', 'cancelled'] }).notNull(),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('mandates_owner').on(t.accountId, t.livemode, t.id),
    index('mandates_customer').on(t.customerId, t.status),
    index('mandates_pending').on(t.id).where(sql`${t.status} = 'pending'`),
  ],
);

/** Credit assessments; the uploaded rows are kept only until the evaluation has run. */
export const creditAssessments = pgTable(
  'credit_assessments',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    customerId: text('customer_id').references(() => customers.id),
    status: text('status', { enum: ['pending', 'completed', 'failed'] }).notNull(),
    score: integer('score'),
    category: text('category', { enum: ['poor', 'fair', 'good', 'very_good', 'excellent'] }),
    breakdown: jsonb('breakdown').$type<{ factor: string; points: number; detail: string }[]>().notNull().default([]),
    rowsAccepted: integer('rows_accepted').notNull(),
    errors: jsonb('errors').$type<{ row: number; message: string }[]>().notNull().default([]),
    transactions: jsonb('transactions').$type<unknown[] | null>(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('credit_assessments_owner').on(t.accountId, t.livemode, t.id),
    index('credit_assessments_pending').on(t.id).where(sql`${t.status} = 'pending'`),
  ],
);

// ---------------------------------------------------------------------------------------------------
// Webhooks: endpoints, one delivery per (event, endpoint), and every attempt of each delivery.

/** Webhook endpoints. Secrets are stored encrypted (AES-GCM), never in plain text. */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    url: text('url').notNull(),
    enabledEvents: jsonb('enabled_events').$type<string[]>().notNull(),
    description: text('description'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    status: text('status', { enum: ['enabled', 'disabled'] }).notNull(),
    disabledReason: text('disabled_reason'),
    throttleRate: integer('throttle_rate'),
    secretEncrypted: text('secret_encrypted').notNull(),
    previousSecretEncrypted: text('previous_secret_encrypted'),
    previousSecretExpiresAt: ts('previous_secret_expires_at'),
    /** When the current run of failed attempts began (null after any success): 5 days disables it. */
    failingSince: ts('failing_since'),
    deletedAt: ts('deleted_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('webhook_endpoints_owner').on(t.accountId, t.livemode, t.id),
    index('webhook_endpoints_enabled')
      .on(t.accountId, t.livemode)
      .where(sql`${t.status} = 'enabled' and ${t.deletedAt} is null`),
  ],
);

/**
 * Deliveries: one event to one endpoint, unique per pair (fan-out is idempotent). The row is the
 * schedule: `nextAttemptAt` says when a dispatcher may take it, and a dispatcher that took it holds
 * it until `lockedUntil` (a lease; a killed dispatcher's deliveries come back when it lapses).
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull(),
    attemptCount: integer('attempt_count').notNull().default(0),
    /** `attemptCount` when it was last re-queued (retry, recover): the schedule restarts from there. */
    scheduleBase: integer('schedule_base').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at'),
    lockedUntil: ts('locked_until'),
    /** The event as sent, for test messages (`POST …/test`), which are not in the event log. */
    payload: jsonb('payload'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_endpoint').on(t.eventId, t.endpointId),
    index('webhook_deliveries_endpoint').on(t.endpointId, t.id),
    index('webhook_deliveries_due').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
);

/** Every attempt of every delivery: status, duration, an excerpt of the answer or the error. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id),
    at: ts('at').notNull(),
    responseStatus: integer('response_status'),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
    responseExcerpt: text('response_excerpt'),
  },
  (t) => [index('webhook_attempts_delivery').on(t.deliveryId, t.id)],
);

/**
 * Notifications (DESIGN §4, §7): one per event and recipient (the account, or one of its customers),
 * with the in-app title and body. Each channel's delivery is a row of {@link notificationDeliveries}.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    type: text('type').notNull(),
    /** The event that caused it (null for notifications the platform raises itself, such as `api_key.expiring`). */
    eventId: text('event_id'),
    /** What the notification is about, for types without an event: one notification per subject. */
    subjectKey: text('subject_key').notNull(),
    recipientKind: text('recipient_kind', { enum: ['account', 'customer'] }).notNull(),
    recipientId: text('recipient_id').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    readAt: ts('read_at'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('notifications_subject_recipient').on(t.subjectKey, t.recipientKind, t.recipientId),
    index('notifications_owner').on(t.accountId, t.livemode, t.id),
    index('notifications_recipient').on(t.accountId, t.livemode, t.recipientId, t.id),
    index('notifications_unread').on(t.accountId, t.livemode, t.id).where(sql`${t.readAt} is null`),
  ],
);

/**
 * A notification's delivery on one channel: `in_app` (sent when written, or skipped), `email` and
 * `sms` (queued → sent | failed, held through quiet hours, skipped by a preference or a missing
 * address). The rendered message is kept so a retry sends exactly what was queued.
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: text('id').primaryKey(),
    notificationId: text('notification_id')
      .notNull()
      .references(() => notifications.id),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    channel: text('channel', { enum: ['in_app', 'email', 'sms'] }).notNull(),
    status: text('status', { enum: ['queued', 'held', 'sent', 'failed', 'skipped'] }).notNull(),
    /** Why it was skipped (`preference`, `no_address`) or failed for good. */
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    subject: text('subject'),
    text: text('text'),
    html: text('html'),
    /** The template version it was rendered with (0: the built-in default). */
    templateVersion: integer('template_version').notNull().default(0),
    heldUntil: ts('held_until'),
    providerMessageId: text('provider_message_id'),
    lastError: text('last_error'),
    sentAt: ts('sent_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('notification_deliveries_channel').on(t.notificationId, t.channel),
    index('notification_deliveries_status').on(t.accountId, t.livemode, t.status),
  ],
);

/** Every send attempt of an e-mail or SMS delivery: when, how long, and the provider's id or the error. */
export const notificationAttempts = pgTable(
  'notification_attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => notificationDeliveries.id),
    at: ts('at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    ok: boolean('ok').notNull(),
    providerMessageId: text('provider_message_id'),
    error: text('error'),
  },
  (t) => [index('notification_attempts_delivery').on(t.deliveryId, t.id)],
);

/** Per recipient, per type, per channel on/off (absent: the catalog's default). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    /** The account's own id, or one of its customers'. */
    recipientId: text('recipient_id').notNull(),
    type: text('type').notNull(),
    channel: text('channel', { enum: ['in_app', 'email', 'sms'] }).notNull(),
    enabled: boolean('enabled').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.livemode, t.recipientId, t.type, t.channel] })],
);

/**
 * A recipient's settings: quiet hours (e-mail and SMS falling inside are held until the window ends)
 * and the locale money and dates are written in.
 */
export const notificationRecipients = pgTable(
  'notification_recipients',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    recipientId: text('recipient_id').notNull(),
    /** Local `HH:MM` the quiet window opens and closes (it may wrap past midnight); null: no quiet hours. */
    quietStart: text('quiet_start'),
    quietEnd: text('quiet_end'),
    timeZone: text('time_zone'),
    /** BCP 47 locale of messages (null: `en-NG`). */
    locale: text('locale'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.livemode, t.recipientId] })],
);

/** An account's template overrides, per type and channel, versioned (the highest version is in use). */
export const notificationTemplates = pgTable(
  'notification_templates',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    livemode: boolean('livemode').notNull(),
    type: text('type').notNull(),
    channel: text('channel', { enum: ['in_app', 'email', 'sms'] }).notNull(),
    version: integer('version').notNull(),
    /** E-mail subject, or the in-app title; null for SMS. */
    subject: text('subject'),
    /** Plain text (e-mail), the in-app body, or the SMS text. */
    text: text('text').notNull(),
    /** HTML of an e-mail (null for the other channels). */
    html: text('html'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.livemode, t.type, t.channel, t.version] })],
);
