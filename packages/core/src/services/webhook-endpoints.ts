import {
  API_VERSION,
  eventTypeMatches,
  generateId,
  type ListEnvelope,
  type WebhookDelivery,
  type WebhookDeliveryListQuery,
  type WebhookEndpoint,
  type WebhookEndpointCreateParams,
  WebhookEndpointCreateSchema,
  type WebhookEndpointUpdateParams,
  WebhookEndpointUpdateSchema,
  type WebhookRecoverParams,
  type WebhookRecoverResult,
  WebhookRecoverSchema,
  type WebhookSecretRotateParams,
  WebhookSecretRotateSchema,
  type WebhookTestParams,
  WebhookTestSchema,
} from '@lendwire/contract';
import { generateWebhookSecret } from '@lendwire/webhooks';
import { and, asc, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../db/schema.js';
import { urlRefusal } from '../webhooks/ssrf.js';
import { inTransaction, type ServiceContext, ServiceError, secretBoxOf, type TenantScope } from './context.js';
import { type PageParams, toPage } from './pagination.js';

type EndpointRow = typeof webhookEndpoints.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type AttemptRow = typeof webhookAttempts.$inferSelect;

/** The public endpoint; `secret` only when given (create and rotate). */
export function toWebhookEndpoint(row: EndpointRow, secret?: string): WebhookEndpoint {
  return {
    id: row.id,
    object: 'webhook_endpoint',
    url: row.url,
    enabledEvents: row.enabledEvents,
    description: row.description,
    status: row.status,
    disabledReason: row.disabledReason,
    throttleRate: row.throttleRate,
    ...(secret ? { secret } : {}),
    previousSecretExpiresAt: row.previousSecretExpiresAt ? row.previousSecretExpiresAt.toISOString() : null,
    metadata: row.metadata,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The public delivery with its attempts, oldest attempt first. */
export function toWebhookDelivery(row: DeliveryRow, attempts: readonly AttemptRow[]): WebhookDelivery {
  return {
    id: row.id,
    object: 'webhook_delivery',
    endpointId: row.endpointId,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attemptCount: row.attemptCount,
    nextAttemptAt: row.status === 'pending' && row.nextAttemptAt ? row.nextAttemptAt.toISOString() : null,
    attempts: attempts.map((a) => ({
      id: a.id,
      at: a.at.toISOString(),
      responseStatus: a.responseStatus,
      durationMs: a.durationMs,
      error: a.error,
      responseExcerpt: a.responseExcerpt,
    })),
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Most endpoints one account may have per mode: every event fans out to each of them. */
export const MAX_ENDPOINTS_PER_ACCOUNT = 20;

/**
 * Webhook endpoints and their deliveries (DESIGN §5): create, update, rotate the secret with a grace
 * period, delete; list deliveries with their attempts; replay (retry one, recover all failed since a
 * time, send a test event). URLs pass the SSRF guard on create and update, and again when delivered.
 */
export function createWebhookEndpointsService(ctx: ServiceContext) {
  const { db } = ctx;
  const owned = (scope: TenantScope) =>
    and(
      eq(webhookEndpoints.accountId, scope.accountId),
      eq(webhookEndpoints.livemode, scope.livemode),
      isNull(webhookEndpoints.deletedAt),
    );
  const box = () => secretBoxOf(ctx, 'Webhook endpoints');
  const checkUrl = async (url: string) => {
    const refusal = await urlRefusal(url, {
      allowPrivateNetworks: ctx.webhooks?.allowPrivateNetworks ?? false,
      resolveHost: ctx.webhooks?.resolveHost,
    });
    if (refusal) {
      throw new ServiceError(
        'unprocessable',
        `url cannot receive webhooks: ${refusal}. Endpoints must be public http(s) addresses (LENDWIRE_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows private ones, for local development only)`,
      );
    }
  };

  async function endpointRow(scope: TenantScope, id: string): Promise<EndpointRow> {
    const [row] = await db
      .select()
      .from(webhookEndpoints)
      .where(and(owned(scope), eq(webhookEndpoints.id, id)));
    if (!row) throw new ServiceError('not_found', `No webhook endpoint ${id}`);
    return row;
  }

  async function deliveryOf(row: DeliveryRow): Promise<WebhookDelivery> {
    const attempts = await db
      .select()
      .from(webhookAttempts)
      .where(eq(webhookAttempts.deliveryId, row.id))
      .orderBy(asc(webhookAttempts.id));
    return toWebhookDelivery(row, attempts);
  }

  const service = {
    /** Creates an endpoint; the response carries its `secret`, shown this once. */
    async create(scope: TenantScope, params: WebhookEndpointCreateParams): Promise<WebhookEndpoint> {
      const input = WebhookEndpointCreateSchema.parse(params);
      await checkUrl(input.url);
      const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(webhookEndpoints).where(owned(scope));
      if ((count?.n ?? 0) >= MAX_ENDPOINTS_PER_ACCOUNT) {
        throw new ServiceError(
          'unprocessable',
          `An account may have at most ${MAX_ENDPOINTS_PER_ACCOUNT} webhook endpoints per mode; delete one first`,
        );
      }
      const secret = generateWebhookSecret();
      const now = ctx.now();
      const [row] = await db
        .insert(webhookEndpoints)
        .values({
          id: generateId('webhookEndpoint', now.getTime()),
          accountId: scope.accountId,
          livemode: scope.livemode,
          url: input.url,
          enabledEvents: input.enabledEvents,
          description: input.description ?? null,
          metadata: input.metadata,
          status: 'enabled',
          throttleRate: input.throttleRate ?? null,
          secretEncrypted: await box().encrypt(secret),
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      return toWebhookEndpoint(row!, secret);
    },

    /** An endpoint of this tenant, without its secret (404 for other tenants' and deleted ones). */
    async get(scope: TenantScope, id: string): Promise<WebhookEndpoint> {
      return toWebhookEndpoint(await endpointRow(scope, id));
    },

    /** The tenant's endpoints, newest first. */
    async list(scope: TenantScope, page: PageParams): Promise<ListEnvelope<WebhookEndpoint>> {
      const filters = [owned(scope)];
      if (page.startingAfter) filters.push(lt(webhookEndpoints.id, page.startingAfter));
      const rows = await db
        .select()
        .from(webhookEndpoints)
        .where(and(...filters))
        .orderBy(desc(webhookEndpoints.id))
        .limit(page.limit + 1);
      return toPage(rows, page.limit, (r) => toWebhookEndpoint(r));
    },

    /** Updates an endpoint; `status: enabled` re-enables a disabled one and clears its failure run. */
    async update(scope: TenantScope, id: string, params: WebhookEndpointUpdateParams): Promise<WebhookEndpoint> {
      const input = WebhookEndpointUpdateSchema.parse(params);
      await endpointRow(scope, id);
      if (input.url !== undefined) await checkUrl(input.url);
      const set: Partial<EndpointRow> = { updatedAt: ctx.now() };
      if (input.url !== undefined) set.url = input.url;
      if (input.enabledEvents !== undefined) set.enabledEvents = input.enabledEvents;
      if (input.description !== undefined) set.description = input.description;
      if (input.metadata !== undefined) set.metadata = input.metadata;
      if (input.throttleRate !== undefined) set.throttleRate = input.throttleRate;
      if (input.status === 'enabled')
        Object.assign(set, { status: 'enabled', disabledReason: null, failingSince: null });
      if (input.status === 'disabled') Object.assign(set, { status: 'disabled', disabledReason: 'manual' });
      const [row] = await db
        .update(webhookEndpoints)
        .set(set)
        .where(and(owned(scope), eq(webhookEndpoints.id, id)))
        .returning();
      return toWebhookEndpoint(row!);
    },

    /** Deletes an endpoint: no more deliveries; its delivery log stays for the record. */
    async remove(scope: TenantScope, id: string): Promise<WebhookEndpoint> {
      await endpointRow(scope, id);
      const now = ctx.now();
      return inTransaction(ctx, async (tx) => {
        const [row] = await tx.db
          .update(webhookEndpoints)
          .set({ deletedAt: now, status: 'disabled', disabledReason: 'deleted', updatedAt: now })
          .where(and(owned(scope), eq(webhookEndpoints.id, id)))
          .returning();
        await tx.db
          .update(webhookDeliveries)
          .set({ status: 'failed', nextAttemptAt: null, updatedAt: now })
          .where(and(eq(webhookDeliveries.endpointId, id), eq(webhookDeliveries.status, 'pending')));
        return toWebhookEndpoint(row!);
      });
    },

    /**
     * Gives the endpoint a new secret (returned once). For `gracePeriodSeconds` deliveries are signed
     * with both, so a receiver can switch at its own pace.
     */
    async rotateSecret(scope: TenantScope, id: string, params: WebhookSecretRotateParams): Promise<WebhookEndpoint> {
      const input = WebhookSecretRotateSchema.parse(params);
      const current = await endpointRow(scope, id);
      const secret = generateWebhookSecret();
      const now = ctx.now();
      const grace = input.gracePeriodSeconds > 0;
      const [row] = await db
        .update(webhookEndpoints)
        .set({
          secretEncrypted: await box().encrypt(secret),
          previousSecretEncrypted: grace ? current.secretEncrypted : null,
          previousSecretExpiresAt: grace ? new Date(now.getTime() + input.gracePeriodSeconds * 1000) : null,
          updatedAt: now,
        })
        .where(and(owned(scope), eq(webhookEndpoints.id, id)))
        .returning();
      return toWebhookEndpoint(row!, secret);
    },

    /** Queues a sample event of `eventType` to this endpoint only (not written to the event log). */
    async sendTest(scope: TenantScope, id: string, params: WebhookTestParams): Promise<WebhookDelivery> {
      const input = WebhookTestSchema.parse(params);
      const endpoint = await endpointRow(scope, id);
      const now = ctx.now();
      const eventId = generateId('event', now.getTime());
      const payload = {
        id: eventId,
        object: 'event',
        type: input.eventType,
        createdAt: now.toISOString(),
        livemode: scope.livemode,
        account: scope.accountId,
        apiVersion: API_VERSION,
        data: { object: { object: 'test', message: 'A test event sent from the Lendwire API' } },
        request: null,
      };
      const [row] = await db
        .insert(webhookDeliveries)
        .values({
          id: generateId('message', now.getTime()),
          accountId: scope.accountId,
          livemode: scope.livemode,
          endpointId: endpoint.id,
          eventId,
          eventType: input.eventType,
          status: 'pending',
          nextAttemptAt: now,
          payload,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      return toWebhookDelivery(row!, []);
    },

    /** The endpoint's deliveries, newest first, optionally of one status. */
    async deliveries(
      scope: TenantScope,
      endpointId: string,
      query: WebhookDeliveryListQuery & PageParams,
    ): Promise<ListEnvelope<WebhookDelivery>> {
      await endpointRow(scope, endpointId);
      const filters = [eq(webhookDeliveries.endpointId, endpointId)];
      if (query.startingAfter) filters.push(lt(webhookDeliveries.id, query.startingAfter));
      if (query.status) filters.push(eq(webhookDeliveries.status, query.status));
      const rows = await db
        .select()
        .from(webhookDeliveries)
        .where(and(...filters))
        .orderBy(desc(webhookDeliveries.id))
        .limit(query.limit + 1);
      const page = rows.slice(0, query.limit);
      const attempts =
        page.length === 0
          ? []
          : await db
              .select()
              .from(webhookAttempts)
              .where(
                inArray(
                  webhookAttempts.deliveryId,
                  page.map((r) => r.id),
                ),
              )
              .orderBy(asc(webhookAttempts.id));
      return toPage(rows, query.limit, (r) =>
        toWebhookDelivery(
          r,
          attempts.filter((a) => a.deliveryId === r.id),
        ),
      );
    },

    /** A delivery of this tenant with its attempts (404 for other tenants'). */
    async delivery(scope: TenantScope, id: string): Promise<WebhookDelivery> {
      const [row] = await db
        .select()
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.id, id),
            eq(webhookDeliveries.accountId, scope.accountId),
            eq(webhookDeliveries.livemode, scope.livemode),
          ),
        );
      if (!row) throw new ServiceError('not_found', `No webhook delivery ${id}`);
      return deliveryOf(row);
    },

    /** Sends a delivery again now, whatever its status; its schedule starts over. */
    async retry(scope: TenantScope, id: string): Promise<WebhookDelivery> {
      const existing = await service.delivery(scope, id);
      const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, existing.endpointId));
      if (!endpoint || endpoint.deletedAt) {
        throw new ServiceError('state_conflict', `The endpoint of delivery ${id} was deleted`);
      }
      if (endpoint.status !== 'enabled') {
        throw new ServiceError(
          'state_conflict',
          `Endpoint ${endpoint.id} is disabled (${endpoint.disabledReason ?? 'manual'}); re-enable it with PATCH { "status": "enabled" } first`,
        );
      }
      const now = ctx.now();
      const [row] = await db
        .update(webhookDeliveries)
        .set({
          status: 'pending',
          nextAttemptAt: now,
          scheduleBase: sql`${webhookDeliveries.attemptCount}`,
          updatedAt: now,
        })
        .where(eq(webhookDeliveries.id, id))
        .returning();
      return deliveryOf(row!);
    },

    /** Re-queues every failed delivery of the endpoint created since `since`. */
    async recover(scope: TenantScope, id: string, params: WebhookRecoverParams): Promise<WebhookRecoverResult> {
      const input = WebhookRecoverSchema.parse(params);
      const endpoint = await endpointRow(scope, id);
      if (endpoint.status !== 'enabled') {
        throw new ServiceError(
          'state_conflict',
          `Endpoint ${id} is disabled (${endpoint.disabledReason ?? 'manual'}); re-enable it with PATCH { "status": "enabled" } first`,
        );
      }
      const now = ctx.now();
      const rows = await db
        .update(webhookDeliveries)
        .set({
          status: 'pending',
          nextAttemptAt: now,
          scheduleBase: sql`${webhookDeliveries.attemptCount}`,
          updatedAt: now,
        })
        .where(
          and(
            eq(webhookDeliveries.endpointId, id),
            eq(webhookDeliveries.status, 'failed'),
            gte(webhookDeliveries.createdAt, new Date(input.since)),
          ),
        )
        .returning({ id: webhookDeliveries.id });
      return { object: 'webhook_recovery', endpointId: id, requeued: rows.length };
    },

    /** Whether an endpoint wants an event type (`*`, exact, or `prefix.*`). */
    wants(endpoint: { enabledEvents: readonly string[] }, type: string): boolean {
      return endpoint.enabledEvents.some((pattern) => eventTypeMatches(pattern, type));
    },
  };
  return service;
}

/** The webhook endpoints service. */
export type WebhookEndpointsService = ReturnType<typeof createWebhookEndpointsService>;
