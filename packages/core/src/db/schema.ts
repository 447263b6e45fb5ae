import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
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
