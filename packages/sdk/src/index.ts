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
  Currency,
  Customer,
  CustomerCreateParams,
  CustomerUpdateParams,
  ErrorCode,
  GrantableScope,
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
  Tier,
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
export { Customers } from './resources/customers.js';
export { MeResource } from './resources/me.js';
export { VERSION } from './version.js';
