import type { Db } from '../db/index.js';
import { createAccountsService } from './accounts.js';
import { createApiKeysService } from './api-keys.js';
import { type Hasher, type ServiceContext, sha256Hex } from './context.js';
import { createCustomersService } from './customers.js';
import { createIdempotencyService } from './idempotency.js';

/** Options of {@link createServices}. */
export interface CreateServicesOptions {
  db: Db;
  /** Clock; default `() => new Date()`. Tests pass a controllable one. */
  now?: () => Date;
  /** Hex SHA-256; default pure-JS. The Node entry passes `node:crypto`'s. */
  hash?: Hasher;
}

/** Builds every domain service over one database. */
export function createServices(options: CreateServicesOptions) {
  const ctx: ServiceContext = {
    db: options.db,
    now: options.now ?? (() => new Date()),
    hash: options.hash ?? sha256Hex,
  };
  return {
    ctx,
    accounts: createAccountsService(ctx),
    apiKeys: createApiKeysService(ctx),
    customers: createCustomersService(ctx),
    idempotency: createIdempotencyService(ctx),
  };
}

/** All domain services. */
export type Services = ReturnType<typeof createServices>;
