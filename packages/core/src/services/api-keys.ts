import {
  type ApiKey,
  type ApiKeyCreateParams,
  ApiKeyCreateSchema,
  type ApiKeyUsage,
  type ApiKeyWithSecret,
  generateApiKey,
  generateId,
  isPlatformScope,
  type KeyMode,
  keyStart,
} from '@lendwire/contract';
import { and, desc, eq, gte, isNull, lt, or, sql } from 'drizzle-orm';
import { accounts, apiKeySecrets, apiKeys, apiKeyUsage } from '../db/schema.js';
import { toAccount } from './accounts.js';
import { inTransaction, iso, type ServiceContext, ServiceError, type TenantScope } from './context.js';
import { createEventsService, type EventRequest } from './events.js';
import { type PageParams, toPage } from './pagination.js';

type ApiKeyRow = typeof apiKeys.$inferSelect;

/** Maps a key row to its public shape; `status` is computed at `now`. */
export function toApiKey(row: ApiKeyRow, now: Date): ApiKey {
  const status = row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt <= now ? 'expired' : 'active';
  return {
    id: row.id,
    object: 'api_key',
    account: row.accountId,
    name: row.name,
    start: row.start,
    scopes: row.scopes as ApiKey['scopes'],
    status,
    expiresAt: iso(row.expiresAt),
    ipAllowlist: row.ipAllowlist ?? null,
    rateLimit: row.rateLimit ?? null,
    lastUsedAt: iso(row.lastUsedAt),
    rotatedAt: iso(row.rotatedAt),
    previousSecretExpiresAt:
      row.previousSecretExpiresAt && row.previousSecretExpiresAt > now ? iso(row.previousSecretExpiresAt) : null,
    revokedAt: iso(row.revokedAt),
    metadata: row.metadata,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Everything the gateway needs to authenticate one secret, from a single indexed lookup.
 * Times are epoch milliseconds so a cached record can be checked against the clock on every request.
 */
export interface KeyAuthRecord {
  keyId: string;
  accountId: string;
  livemode: boolean;
  scopes: string[];
  ipAllowlist: string[] | null;
  rateLimit: { requests: number; windowSeconds: number } | null;
  /** When the key itself expires (null: never). */
  keyExpiresAt: number | null;
  /** When this secret stops working because it was rotated out (null: it is the current secret). */
  secretExpiresAt: number | null;
  revoked: boolean;
  account: ReturnType<typeof toAccount>;
  key: ApiKeyRow;
}

/** Counters to add for one key on one UTC day. */
export interface UsageIncrement {
  keyId: string;
  day: string;
  requests: number;
  clientErrors: number;
  serverErrors: number;
  rateLimited: number;
  lastUsedAt: Date;
}

/** API keys: creation, lookup by hash, rotation with grace period, revocation and usage. */
export function createApiKeysService(ctx: ServiceContext) {
  const { db } = ctx;
  const owned = (scope: TenantScope) =>
    and(eq(apiKeys.accountId, scope.accountId), eq(apiKeys.livemode, scope.livemode));

  async function assertGrantable(accountId: string, scopes: readonly string[]) {
    const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId));
    if (!account) throw new ServiceError('not_found', `No account ${accountId}`);
    if (!account.platform) {
      const reserved = scopes.filter(isPlatformScope);
      if (reserved.length > 0) {
        throw new ServiceError(
          'platform_scope_not_allowed',
          `Scope ${reserved.join(', ')} is reserved for the platform account`,
        );
      }
    }
  }

  /** Inserts a key and its first secret, and writes `api_key.created` in the same transaction. */
  async function insertKey(
    scope: TenantScope,
    params: ApiKeyCreateParams,
    secret: string,
    request: EventRequest | null,
  ): Promise<ApiKeyWithSecret> {
    const input = ApiKeyCreateSchema.parse(params);
    const now = ctx.now();
    if (input.expiresAt && new Date(input.expiresAt) <= now) {
      throw new ServiceError('unprocessable', 'expiresAt must be in the future');
    }
    await assertGrantable(scope.accountId, input.scopes);
    const id = generateId('apiKey', now.getTime());
    const key = await inTransaction(ctx, async (tx) => {
      const [row] = await tx.db
        .insert(apiKeys)
        .values({
          id,
          accountId: scope.accountId,
          livemode: scope.livemode,
          name: input.name,
          start: keyStart(secret),
          scopes: [...new Set(input.scopes)],
          expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
          ipAllowlist: input.ipAllowlist ?? null,
          rateLimit: input.rateLimit ?? null,
          metadata: input.metadata,
          createdAt: now,
        })
        .returning();
      await tx.db
        .insert(apiKeySecrets)
        .values({ hash: ctx.hash(secret), keyId: id, start: keyStart(secret), createdAt: now });
      // The event carries the public key only: the secret is shown once, in the response.
      const created = toApiKey(row!, now);
      await createEventsService(tx).record(scope, 'api_key.created', created, { request });
      return created;
    });
    return { ...key, secret };
  }

  return {
    /** Creates a key with a freshly generated secret in the tenant's mode. The secret is returned once. */
    create(
      scope: TenantScope,
      params: ApiKeyCreateParams,
      request: EventRequest | null = null,
    ): Promise<ApiKeyWithSecret> {
      return insertKey(scope, params, generateApiKey(scope.livemode ? 'live' : 'test'), request);
    },

    /**
     * Makes sure a key exists for a given secret (the root key bootstrap). Returns the existing key
     * when the secret is already known; only a key it creates gets an `api_key.created` event.
     */
    async ensureKeyForSecret(accountId: string, secret: string, params: ApiKeyCreateParams): Promise<ApiKey> {
      const existing = await this.authenticate(ctx.hash(secret));
      if (existing) return toApiKey(existing.key, ctx.now());
      const mode: KeyMode = secret.startsWith('lw_live_') ? 'live' : 'test';
      const { secret: _shown, ...key } = await insertKey(
        { accountId, livemode: mode === 'live' },
        params,
        secret,
        null,
      );
      return key;
    },

    /** Looks a secret up by its SHA-256. Null when no such secret exists. */
    async authenticate(hash: string): Promise<KeyAuthRecord | null> {
      const [hit] = await db
        .select({ secret: apiKeySecrets, key: apiKeys, account: accounts })
        .from(apiKeySecrets)
        .innerJoin(apiKeys, eq(apiKeys.id, apiKeySecrets.keyId))
        .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
        .where(eq(apiKeySecrets.hash, hash));
      if (!hit) return null;
      return {
        keyId: hit.key.id,
        accountId: hit.key.accountId,
        livemode: hit.key.livemode,
        scopes: hit.key.scopes,
        ipAllowlist: hit.key.ipAllowlist ?? null,
        rateLimit: hit.key.rateLimit ?? null,
        keyExpiresAt: hit.key.expiresAt?.getTime() ?? null,
        secretExpiresAt: hit.secret.expiresAt?.getTime() ?? null,
        revoked: hit.key.revokedAt !== null,
        account: toAccount(hit.account),
        key: hit.key,
      };
    },

    /** A key of this tenant, or null. */
    async get(scope: TenantScope, id: string): Promise<ApiKey | null> {
      const [row] = await db
        .select()
        .from(apiKeys)
        .where(and(owned(scope), eq(apiKeys.id, id)));
      return row ? toApiKey(row, ctx.now()) : null;
    },

    /** Keys of this tenant, newest first. */
    async list(scope: TenantScope, page: PageParams) {
      const rows = await db
        .select()
        .from(apiKeys)
        .where(and(owned(scope), page.startingAfter ? lt(apiKeys.id, page.startingAfter) : undefined))
        .orderBy(desc(apiKeys.id))
        .limit(page.limit + 1);
      const now = ctx.now();
      return toPage(rows, page.limit, (r) => toApiKey(r, now));
    },

    /**
     * Issues a new secret for a key. Secrets still working keep working for `gracePeriodSeconds`
     * (never longer than they already would), then get 401.
     */
    async rotate(
      scope: TenantScope,
      id: string,
      gracePeriodSeconds: number,
      request: EventRequest | null = null,
    ): Promise<ApiKeyWithSecret | null> {
      const now = ctx.now();
      const graceEnd = new Date(now.getTime() + gracePeriodSeconds * 1000);
      const secret = generateApiKey(scope.livemode ? 'live' : 'test');
      const key = await inTransaction(ctx, async (tx) => {
        const [current] = await tx.db
          .select()
          .from(apiKeys)
          .where(and(owned(scope), eq(apiKeys.id, id)))
          .for('update');
        if (!current) return null;
        if (current.revokedAt) throw new ServiceError('state_conflict', `Key ${id} is revoked and cannot be rotated`);
        if (current.expiresAt && current.expiresAt <= now) {
          throw new ServiceError('state_conflict', `Key ${id} has expired and cannot be rotated`);
        }
        // Old secrets end at the grace end, or earlier if they were already due to.
        await tx.db
          .update(apiKeySecrets)
          .set({ expiresAt: graceEnd })
          .where(
            and(
              eq(apiKeySecrets.keyId, id),
              or(isNull(apiKeySecrets.expiresAt), gte(apiKeySecrets.expiresAt, graceEnd)),
            ),
          );
        await tx.db
          .insert(apiKeySecrets)
          .values({ hash: ctx.hash(secret), keyId: id, start: keyStart(secret), createdAt: now });
        const [row] = await tx.db
          .update(apiKeys)
          .set({ start: keyStart(secret), rotatedAt: now, previousSecretExpiresAt: graceEnd })
          .where(eq(apiKeys.id, id))
          .returning();
        const rotated = toApiKey(row!, now);
        const before = toApiKey(current, now);
        await createEventsService(tx).record(scope, 'api_key.rotated', rotated, {
          // Only display fields: `start` is the public prefix, never enough to use the key.
          previousAttributes: {
            start: before.start,
            rotatedAt: before.rotatedAt,
            previousSecretExpiresAt: before.previousSecretExpiresAt,
          },
          request,
        });
        return rotated;
      });
      return key && { ...key, secret };
    },

    /** Revokes a key: every secret of it gets 401 from now on. Revoking twice is a no-op. */
    async revoke(
      scope: TenantScope,
      id: string,
      request: EventRequest | null = null,
    ): Promise<{ key: ApiKey; changed: boolean } | null> {
      const now = ctx.now();
      return inTransaction(ctx, async (tx) => {
        const [row] = await tx.db
          .update(apiKeys)
          .set({ revokedAt: now })
          .where(and(owned(scope), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
          .returning();
        if (!row) {
          // On the transaction's connection (PGlite has one): already revoked, or not this tenant's.
          const existing = await createApiKeysService(tx).get(scope, id);
          return existing ? { key: existing, changed: false } : null;
        }
        const key = toApiKey(row, now);
        await createEventsService(tx).record(scope, 'api_key.revoked', key, {
          previousAttributes: { status: toApiKey({ ...row, revokedAt: null }, now).status, revokedAt: null },
          request,
        });
        return { key, changed: true };
      });
    },

    /** Hashes of every secret of a key (for cache invalidation on this instance). */
    async secretHashes(id: string): Promise<string[]> {
      const rows = await db.select({ hash: apiKeySecrets.hash }).from(apiKeySecrets).where(eq(apiKeySecrets.keyId, id));
      return rows.map((r) => r.hash);
    },

    /** Adds batched usage counters and moves `lastUsedAt` forward. */
    async recordUsage(increments: UsageIncrement[]): Promise<void> {
      if (increments.length === 0) return;
      await db.transaction(async (tx) => {
        for (const inc of increments) {
          await tx
            .insert(apiKeyUsage)
            .values({
              keyId: inc.keyId,
              day: inc.day,
              requests: inc.requests,
              clientErrors: inc.clientErrors,
              serverErrors: inc.serverErrors,
              rateLimited: inc.rateLimited,
            })
            .onConflictDoUpdate({
              target: [apiKeyUsage.keyId, apiKeyUsage.day],
              set: {
                requests: sql`${apiKeyUsage.requests} + ${inc.requests}`,
                clientErrors: sql`${apiKeyUsage.clientErrors} + ${inc.clientErrors}`,
                serverErrors: sql`${apiKeyUsage.serverErrors} + ${inc.serverErrors}`,
                rateLimited: sql`${apiKeyUsage.rateLimited} + ${inc.rateLimited}`,
              },
            });
          await tx
            .update(apiKeys)
            .set({ lastUsedAt: inc.lastUsedAt })
            .where(
              and(eq(apiKeys.id, inc.keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, inc.lastUsedAt))),
            );
        }
      });
    },

    /** Daily usage of a key of this tenant over the last `days` days (newest first), or null. */
    async usage(scope: TenantScope, id: string, days = 30): Promise<ApiKeyUsage | null> {
      if (!(await this.get(scope, id))) return null;
      const since = new Date(ctx.now().getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
      const rows = await db
        .select()
        .from(apiKeyUsage)
        .where(and(eq(apiKeyUsage.keyId, id), gte(apiKeyUsage.day, since)))
        .orderBy(desc(apiKeyUsage.day));
      return {
        object: 'api_key_usage',
        apiKey: id,
        days: rows.map((r) => ({
          date: r.day,
          requests: r.requests,
          clientErrors: r.clientErrors,
          serverErrors: r.serverErrors,
          rateLimited: r.rateLimited,
        })),
      };
    },
  };
}

/** The API keys service. */
export type ApiKeysService = ReturnType<typeof createApiKeysService>;
