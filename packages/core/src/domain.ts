/**
 * The runtime-neutral part of core: services, schema, errors and helpers, without the store opener
 * (`createDb` loads PGlite, postgres.js and migration files through Node APIs). The gateway's app
 * module imports from here so it bundles for Workers; the package root adds `createDb`.
 */

export {
  createSecretBox,
  generateEncryptionKey,
  parseEncryptionKey,
  type SecretBox,
} from './crypto/secret-box.js';
export type { Db } from './db/index.js';
export * as schema from './db/schema.js';
export {
  type Allocation,
  allocatePayment,
  type InstallmentBalance,
  OverpaymentError,
  outstandingTotal,
} from './lending/allocation.js';
export { parseTransactionHistory, scoreTransactions } from './lending/credit.js';
export {
  AMORTIZATIONS,
  type Amortization,
  buildSchedule,
  type Installment,
  installmentAmount,
  type LoanTerms,
  MAX_ANNUAL_RATE_BPS,
  MAX_TERM_MONTHS,
  type ScheduleTerms,
  totalRepayable,
} from './lending/schedule.js';
export {
  createLendingScheduler,
  type LendingScheduler,
  type SchedulerReport,
  type SchedulerRunOptions,
} from './lending/scheduler.js';
export {
  COMMON_SAMPLE,
  channelsOf,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_TYPES,
  type NotificationChannel,
  type NotificationTypeDefinition,
  notificationType,
  type RecipientKind,
} from './notifications/catalog.js';
export {
  createNotifier,
  DEFAULT_LOCALE,
  type EmailMessage,
  type EmailTransport,
  KEY_EXPIRY_NOTICE_MS,
  NOTIFICATION_SEND_JOB,
  type NotificationSendJob,
  type Notifier,
  type NotifierOptions,
  PermanentDeliveryError,
  redactPersonal,
  type SmsMessage,
  type SmsTransport,
  type TransportResult,
} from './notifications/notifier.js';
export { isTimeZone, type QuietHours, quietHoldUntil } from './notifications/quiet-hours.js';
export {
  formatDate,
  formatMoney,
  MAX_TEMPLATE_LENGTH,
  minorToDecimal,
  type RenderedMessage,
  renderTemplate,
  TemplateError,
  type TemplateSource,
  validateTemplate,
} from './notifications/templates.js';
export { dbPayoutBook } from './rail/db-book.js';
export {
  type CollectionInput,
  type CollectionResult,
  createRailSimulator,
  MAGIC_VALUES,
  type MandateInput,
  type MandateResult,
  memoryPayoutBook,
  type PaymentRail,
  type PayoutBook,
  type PayoutInput,
  type PayoutResult,
  type ResolveResult,
} from './rail/index.js';
export { type AccountsService, createAccountsService, toAccount } from './services/accounts.js';
export {
  type ApiKeysService,
  createApiKeysService,
  type KeyAuthRecord,
  toApiKey,
  type UsageIncrement,
} from './services/api-keys.js';
export { type BankAccountsService, createBankAccountsService, toBankAccount } from './services/bank-accounts.js';
export {
  DEFAULT_LENDING_CONFIG,
  type Enqueue,
  type FeeSchedule,
  type Hasher,
  inTransaction,
  iso,
  type LendingConfig,
  lendingConfig,
  type ServiceContext,
  ServiceError,
  sha256Hex,
  type TenantScope,
} from './services/context.js';
export {
  type AssessmentListParams,
  type CreditAssessmentsService,
  createCreditAssessmentsService,
} from './services/credit-assessments.js';
export { type CustomersService, createCustomersService, toCustomer } from './services/customers.js';
export {
  createEventsService,
  EVENTS_API_VERSION,
  type EventRequest,
  type EventsService,
  toEvent,
} from './services/events.js';
export {
  type BeginResult,
  createIdempotencyService,
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyService,
  type IdempotentRequest,
  type StoredResponse,
} from './services/idempotency.js';
export { type CreateServicesOptions, createServices, DEFAULT_WITHDRAWAL_FEE, type Services } from './services/index.js';
export {
  createLedgerService,
  type Entry,
  InsufficientFundsError,
  type LedgerService,
  type PostingInput,
  type PostingResult,
  rowsOf,
  type SystemAccountKind,
  systemAccountId,
} from './services/ledger.js';
export {
  type ApplicationListParams,
  createLoanApplicationsService,
  type LoanApplicationsService,
} from './services/loan-applications.js';
export { createLoansService, type LendingListParams, type LoansService } from './services/loans.js';
export {
  createMandatesService,
  LENDING_WORK_JOB,
  type MandateListParams,
  type MandatesService,
} from './services/mandates.js';
export {
  createNotificationsService,
  type NotificationListParams,
  type NotificationsService,
  type PreferencesUpdate,
  toNotification,
} from './services/notifications.js';
export { type PageParams, toPage } from './services/pagination.js';
export { createTestClockService, type TestClockService } from './services/test-clock.js';
export {
  createWalletsService,
  toWallet,
  toWalletTransaction,
  type WalletRecord,
  type WalletsService,
  type WalletTransactionRecord,
} from './services/wallets.js';
export {
  createWebhookEndpointsService,
  MAX_ENDPOINTS_PER_ACCOUNT,
  toWebhookDelivery,
  toWebhookEndpoint,
  type WebhookEndpointsService,
} from './services/webhook-endpoints.js';
export {
  createWithdrawalsService,
  PAYOUT_ATTEMPTS,
  PAYOUT_JOB,
  toWithdrawal,
  type WithdrawalsService,
  withdrawalFee,
} from './services/withdrawals.js';
export {
  clipUtf8,
  createWebhookDispatcher,
  DEFAULT_SUCCESS_WINDOW,
  DEFAULT_WEBHOOK_SCHEDULE_MS,
  type DispatchReport,
  FAILING_DISABLE_MS,
  RESPONSE_EXCERPT_BYTES,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
  type WebhookRequest,
  type WebhookResponse,
  type WebhookSender,
} from './webhooks/dispatcher.js';
export { addressRefusal, type ResolveHost, type SsrfOptions, urlRefusal } from './webhooks/ssrf.js';
export {
  createSvixForwarder,
  SvixApiError,
  type SvixForwarder,
  type SvixForwarderOptions,
  type SvixForwardReport,
  svixAppUid,
} from './webhooks/svix.js';
