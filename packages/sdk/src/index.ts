export type {
  Account,
  AccountCreateParams,
  AccountStatus,
  AccountUpdateParams,
  ApiKey,
  ApiKeyCreateParams,
  ApiKeyRotateParams,
  ApiKeyStatus,
  ApiKeyUsage,
  ApiKeyUsageDay,
  ApiKeyWithSecret,
  BankAccount,
  BankAccountCreateParams,
  BankAccountStatus,
  ClockAdvanceParams,
  Currency,
  Customer,
  CustomerCreateParams,
  CustomerUpdateParams,
  ErrorCode,
  EventObject,
  EventOf,
  EventRequest,
  EventType,
  EventTypeInfo,
  GrantableScope,
  LendwireEvent,
  ListEnvelope,
  ListQuery,
  Me,
  Metadata,
  Money,
  Problem,
  ProblemFieldError,
  RateLimitOverride,
  RateLimitPolicy,
  Scope,
  SignedMoney,
  TestClock,
  Tier,
  Wallet,
  WalletFundParams,
  WalletTransaction,
  WalletTransactionType,
  Withdrawal,
  WithdrawalCreateParams,
  WithdrawalStatus,
} from '@lendwire/contract';
export { type ClientOptions, Lendwire, Lendwire as default } from './client.js';
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
export { Customers } from './resources/customers.js';
export { EventTypes } from './resources/event-types.js';
export { type EventListParams, type EventResourceName, Events, type EventTypeFilter } from './resources/events.js';
export { MeResource } from './resources/me.js';
export { TestHelperClock, TestHelpers, TestHelperWallets } from './resources/test-helpers.js';
export { Wallets } from './resources/wallets.js';
export { Withdrawals } from './resources/withdrawals.js';
export { VERSION } from './version.js';
