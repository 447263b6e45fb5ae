export { type CreateDbOptions, createDb, type Db, type DbHandle } from './db/index.js';
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
