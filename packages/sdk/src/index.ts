export type {
  Account,
  AccountCreateParams,
  AccountStatus,
  AccountUpdateParams,
  Amortization,
  ApiKey,
  ApiKeyCreateParams,
  ApiKeyRotateParams,
  ApiKeyStatus,
  ApiKeyUsage,
  ApiKeyUsageDay,
  ApiKeyWithSecret,
  AssessmentTransaction,
  BankAccount,
  BankAccountCreateParams,
  BankAccountStatus,
  ClockAdvanceParams,
  CreditAssessment,
  CreditAssessmentCreateParams,
  CreditAssessmentStatus,
  CreditCategory,
  Currency,
  Customer,
  CustomerCreateParams,
  CustomerUpdateParams,
  DelinquencyBucket,
  ErrorCode,
  EventObject,
  EventOf,
  EventRequest,
  EventType,
  EventTypeInfo,
  GrantableScope,
  Installment,
  InstallmentStatus,
  LendwireEvent,
  ListEnvelope,
  ListQuery,
  Loan,
  LoanApplication,
  LoanApplicationApproveParams,
  LoanApplicationCreateParams,
  LoanApplicationRejectParams,
  LoanApplicationStatus,
  LoanOffer,
  LoanOfferStatus,
  LoanOutstanding,
  LoanSchedule,
  LoanStatus,
  Mandate,
  MandateCreateParams,
  MandateStatus,
  Me,
  Metadata,
  Money,
  Notification,
  NotificationChannelName,
  NotificationDeliveryStatus,
  NotificationPreferences,
  NotificationPreferencesUpdateParams,
  NotificationQuietHours,
  NotificationReadAllParams,
  NotificationReadAllResult,
  NotificationTemplate,
  NotificationTemplatePreview,
  NotificationTemplatePreviewParams,
  NotificationTemplateUpdateParams,
  NotificationTypeName,
  PositiveMoney,
  Problem,
  ProblemFieldError,
  RateLimitOverride,
  RateLimitPolicy,
  Repayment,
  RepaymentCreateParams,
  RepaymentSource,
  RepaymentStatus,
  Scope,
  SignedMoney,
  TestClock,
  Tier,
  UpcomingRepayment,
  Wallet,
  WalletFundParams,
  WalletTransaction,
  WalletTransactionType,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointCreateParams,
  WebhookEndpointUpdateParams,
  WebhookRecoverParams,
  WebhookRecoverResult,
  WebhookSecretRotateParams,
  WebhookTestParams,
  Withdrawal,
  WithdrawalCreateParams,
  WithdrawalStatus,
} from '@lendwire/contract';
export {
  type VerifyOptions,
  verify,
  type WebhookHeaderName,
  type WebhookHeaders,
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from '@lendwire/webhooks';
export { type ClientOptions, Lendwire, Lendwire as default, type WebhooksResource } from './client.js';
export { APIPromise, type WithResponse } from './core/api-promise.js';
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  InvalidArgumentError,
  LendwireError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from './core/errors.js';
export { type Logger, type LogLevel, redactSecrets } from './core/logger.js';
export { Page, PagePromise } from './core/pagination.js';
export type { RateLimitInfo } from './core/rate-limit.js';
export type { RequestOptions } from './core/transport.js';
export { Accounts } from './resources/accounts.js';
export { ApiKeys } from './resources/api-keys.js';
export { BankAccounts } from './resources/bank-accounts.js';
export { type CreditAssessmentListParams, CreditAssessments } from './resources/credit-assessments.js';
export { Customers } from './resources/customers.js';
export { EventTypes } from './resources/event-types.js';
export { type EventListParams, type EventResourceName, Events, type EventTypeFilter } from './resources/events.js';
export { type LoanApplicationListParams, LoanApplications } from './resources/loan-applications.js';
export { type LoanOfferListParams, LoanOffers } from './resources/loan-offers.js';
export { LoanRepayments } from './resources/loan-repayments.js';
export { type LoanListParams, Loans } from './resources/loans.js';
export { type MandateListParams, Mandates } from './resources/mandates.js';
export { MeResource } from './resources/me.js';
export {
  NotificationPreferencesResource,
  type NotificationPreferencesRetrieveParams,
} from './resources/notification-preferences.js';
export { NotificationTemplates } from './resources/notification-templates.js';
export { type NotificationListParams, Notifications } from './resources/notifications.js';
export { Repayments } from './resources/repayments.js';
export { TestHelperClock, TestHelpers, TestHelperWallets } from './resources/test-helpers.js';
export { Wallets } from './resources/wallets.js';
export { WebhookDeliveries } from './resources/webhook-deliveries.js';
export {
  type WebhookDeliveryListParams,
  type WebhookDeliveryStatus,
  type WebhookEndpointRecoverParams,
  WebhookEndpoints,
} from './resources/webhook-endpoints.js';
export { Withdrawals } from './resources/withdrawals.js';
export { VERSION } from './version.js';
