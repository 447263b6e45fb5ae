import type { SecretBox } from '../crypto/secret-box.js';
import type { Db } from '../db/index.js';
import { createLendingScheduler, type LendingScheduler } from '../lending/scheduler.js';
import { dbPayoutBook } from '../rail/db-book.js';
import { createRailSimulator, type PaymentRail } from '../rail/index.js';
import { type AccountsService, createAccountsService } from './accounts.js';
import { type ApiKeysService, createApiKeysService } from './api-keys.js';
import { type BankAccountsService, createBankAccountsService } from './bank-accounts.js';
import {
  type Enqueue,
  type FeeSchedule,
  type Hasher,
  type LendingConfig,
  type ServiceContext,
  sha256Hex,
} from './context.js';
import { type CreditAssessmentsService, createCreditAssessmentsService } from './credit-assessments.js';
import { type CustomersService, createCustomersService } from './customers.js';
import { createEventsService, type EventsService } from './events.js';
import { createIdempotencyService, type IdempotencyService } from './idempotency.js';
import { createLedgerService, type LedgerService } from './ledger.js';
import { createLoanApplicationsService, type LoanApplicationsService } from './loan-applications.js';
import { createLoansService, type LoansService } from './loans.js';
import { createMandatesService, type MandatesService } from './mandates.js';
import { createNotificationsService, type NotificationsService } from './notifications.js';
import { createTestClockService, type TestClockService } from './test-clock.js';
import { createWalletsService, type WalletsService } from './wallets.js';
import { createWebhookEndpointsService, type WebhookEndpointsService } from './webhook-endpoints.js';
import { createWithdrawalsService, type WithdrawalsService } from './withdrawals.js';

/** Options of {@link createServices}. */
export interface CreateServicesOptions {
  db: Db;
  /** Clock; default `() => new Date()`. Tests pass a controllable one. */
  now?: () => Date;
  /** Hex SHA-256; default pure-JS. The Node entry passes `node:crypto`'s. */
  hash?: Hasher;
  secretBox?: SecretBox;
  rail?: PaymentRail;
  /** Live money may move through the rail (default: true with a rail you pass, else the simulator's `simulateLive`). */
  liveRail?: boolean;
  enqueue?: Enqueue;
  withdrawalFee?: FeeSchedule;
  /** Lending product limits and schedules (defaults: `DEFAULT_LENDING_CONFIG`). */
  lending?: Partial<LendingConfig>;
  /** The webhook SSRF guard (default: private networks refused; literal IP hosts checked only). */
  webhooks?: ServiceContext['webhooks'];
}

/** Default withdrawal fee: ₦10 (1,000 kobo) plus 0.25 %, at most 100,000 minor units. */
export const DEFAULT_WITHDRAWAL_FEE: FeeSchedule = { flat: 1_000, bps: 25, cap: 100_000 };

/** All domain services, over one database handle (the pool, or one transaction). */
export interface Services {
  ctx: ServiceContext;
  accounts: AccountsService;
  apiKeys: ApiKeysService;
  customers: CustomersService;
  idempotency: IdempotencyService;
  ledger: LedgerService;
  wallets: WalletsService;
  events: EventsService;
  bankAccounts: BankAccountsService;
  withdrawals: WithdrawalsService;
  testClock: TestClockService;
  loanApplications: LoanApplicationsService;
  loans: LoansService;
  mandates: MandatesService;
  creditAssessments: CreditAssessmentsService;
  /** The time-driven lending work: expiries, reminders, overdue marks, delinquency, collections. */
  lendingScheduler: LendingScheduler;
  /** Webhook endpoints, their deliveries, and replay. */
  webhookEndpoints: WebhookEndpointsService;
  /** The notification inbox, preferences and templates (the notifier writes notifications). */
  notifications: NotificationsService;
  /**
   * Runs `fn` with every service bound to one database transaction (a savepoint when this is
   * already a transaction): one business action, one transaction. The state change, its ledger
   * postings, its events and the jobs it enqueues (pass `tx.ctx.db` to the queue) commit together,
   * or a throw rolls them all back.
   */
  transaction<T>(fn: (tx: Services) => Promise<T>): Promise<T>;
}

/** Builds every domain service over one database. */
export function createServices(options: CreateServicesOptions): Services {
  const ctx: ServiceContext = {
    db: options.db,
    now: options.now ?? (() => new Date()),
    hash: options.hash ?? sha256Hex,
    secretBox: options.secretBox,
    rail: options.rail ?? createRailSimulator(dbPayoutBook(options.db, options.now)),
    liveRail: options.liveRail ?? true,
    enqueue: options.enqueue,
    withdrawalFee: options.withdrawalFee ?? DEFAULT_WITHDRAWAL_FEE,
    lending: options.lending,
    webhooks: options.webhooks,
  };
  return {
    ctx,
    accounts: createAccountsService(ctx),
    apiKeys: createApiKeysService(ctx),
    customers: createCustomersService(ctx),
    idempotency: createIdempotencyService(ctx),
    ledger: createLedgerService(ctx),
    wallets: createWalletsService(ctx),
    events: createEventsService(ctx),
    bankAccounts: createBankAccountsService(ctx),
    withdrawals: createWithdrawalsService(ctx),
    testClock: createTestClockService(ctx),
    loanApplications: createLoanApplicationsService(ctx),
    loans: createLoansService(ctx),
    mandates: createMandatesService(ctx),
    creditAssessments: createCreditAssessmentsService(ctx),
    lendingScheduler: createLendingScheduler(ctx),
    webhookEndpoints: createWebhookEndpointsService(ctx),
    notifications: createNotificationsService(ctx),
    transaction: (fn) => options.db.transaction((tx) => fn(createServices({ ...options, db: tx as unknown as Db }))),
  };
}
