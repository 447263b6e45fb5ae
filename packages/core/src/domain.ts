/**
 * The runtime-neutral part of core: services, schema, errors and helpers, without the store opener
 * (`createDb` loads PGlite, postgres.js and migration files through Node APIs). The gateway's app
 * module imports from here so it bundles for Workers; the package root adds `createDb`.
 */
export type { Db } from './db/index.js';
export * as schema from './db/schema.js';
export { type AccountsService, createAccountsService, toAccount } from './services/accounts.js';
export {
  type ApiKeysService,
  createApiKeysService,
  type KeyAuthRecord,
  toApiKey,
  type UsageIncrement,
} from './services/api-keys.js';
export {
  type Hasher,
  iso,
  type ServiceContext,
  ServiceError,
  sha256Hex,
  type TenantScope,
} from './services/context.js';
export { type CustomersService, createCustomersService, toCustomer } from './services/customers.js';
export {
  type BeginResult,
  createIdempotencyService,
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyService,
  type IdempotentRequest,
  type StoredResponse,
} from './services/idempotency.js';
export { type CreateServicesOptions, createServices, type Services } from './services/index.js';
export { type PageParams, toPage } from './services/pagination.js';
