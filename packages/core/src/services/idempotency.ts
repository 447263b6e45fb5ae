import { and, eq, lt, or } from 'drizzle-orm';
import { idempotencyKeys } from '../db/schema.js';
import type { ServiceContext, TenantScope } from './context.js';

/** How long a stored response is replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** An in-flight request older than this is taken to have died with its process. */
export const IDEMPOTENCY_LOCK_MS = 5 * 60 * 1000;

/** A request as the idempotency store sees it. */
export interface IdempotentRequest {
  key: string;
  method: string;
  path: string;
  /** Hash of method, path and body: a reused key with another payload is refused. */
  requestHash: string;
}

/** A stored response. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Outcome of {@link IdempotencyService.begin}. */
export type BeginResult =
  | { kind: 'started' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_flight' }
  | { kind: 'mismatch' };

/** Idempotency keys stored in the database: one row per (account, mode, key), kept 24 hours. */
export function createIdempotencyService(ctx: ServiceContext) {
  const { db } = ctx;
  const row = (scope: TenantScope, key: string) =>
    and(
      eq(idempotencyKeys.accountId, scope.accountId),
      eq(idempotencyKeys.livemode, scope.livemode),
      eq(idempotencyKeys.key, key),
    );

  return {
    /**
     * Claims a key for a request. Exactly one of several concurrent claims gets `started`; the others
     * see `in_flight` (or `mismatch` when their payload differs).
     */
    async begin(scope: TenantScope, req: IdempotentRequest): Promise<BeginResult> {
      for (let attempt = 0; attempt < 3; attempt++) {
        const now = ctx.now();
        const fresh = {
          accountId: scope.accountId,
          livemode: scope.livemode,
          key: req.key,
          method: req.method,
          path: req.path,
          requestHash: req.requestHash,
          state: 'in_flight' as const,
          lockedAt: now,
          responseStatus: null,
          responseHeaders: null,
          responseBody: null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
        };
        const inserted = await db
          .insert(idempotencyKeys)
          .values(fresh)
          .onConflictDoNothing()
          .returning({ key: idempotencyKeys.key });
        if (inserted.length > 0) return { kind: 'started' };

        // Take over an expired record, or an in-flight one whose process died.
        const takenOver = await db
          .update(idempotencyKeys)
          .set(fresh)
          .where(
            and(
              row(scope, req.key),
              or(
                lt(idempotencyKeys.expiresAt, now),
                and(
                  eq(idempotencyKeys.state, 'in_flight'),
                  lt(idempotencyKeys.lockedAt, new Date(now.getTime() - IDEMPOTENCY_LOCK_MS)),
                ),
              ),
            ),
          )
          .returning({ key: idempotencyKeys.key });
        if (takenOver.length > 0) return { kind: 'started' };

        const [existing] = await db.select().from(idempotencyKeys).where(row(scope, req.key));
        if (!existing) continue; // released between our statements: try again
        if (existing.requestHash !== req.requestHash) return { kind: 'mismatch' };
        if (existing.state === 'in_flight') return { kind: 'in_flight' };
        return {
          kind: 'replay',
          response: {
            status: existing.responseStatus ?? 200,
            headers: existing.responseHeaders ?? {},
            body: existing.responseBody ?? '',
          },
        };
      }
      return { kind: 'in_flight' };
    },

    /** Stores the response of a claimed key so retries replay it. */
    async complete(scope: TenantScope, key: string, response: StoredResponse): Promise<void> {
      await db
        .update(idempotencyKeys)
        .set({
          state: 'completed',
          responseStatus: response.status,
          responseHeaders: response.headers,
          responseBody: response.body,
        })
        .where(row(scope, key));
    },

    /** Forgets a claimed key (after a server error) so a retry runs the request again. */
    async release(scope: TenantScope, key: string): Promise<void> {
      await db.delete(idempotencyKeys).where(row(scope, key));
    },

    /** Deletes records past their 24 hours. Returns how many were removed. */
    async purgeExpired(): Promise<number> {
      const gone = await db
        .delete(idempotencyKeys)
        .where(lt(idempotencyKeys.expiresAt, ctx.now()))
        .returning({ key: idempotencyKeys.key });
      return gone.length;
    },
  };
}

/** The idempotency service. */
export type IdempotencyService = ReturnType<typeof createIdempotencyService>;
