import { generateId, type ListEnvelope } from '@lendwire/contract';
import { and, desc, eq, like, lt } from 'drizzle-orm';
import { events } from '../db/schema.js';
import { type ServiceContext, ServiceError, type TenantScope } from './context.js';
import { type PageParams, toPage } from './pagination.js';

/** The API version events are written with (the shape of `data.object`). */
export const EVENTS_API_VERSION = '2026-12-01';

/** Which request caused an event, when one did. */
export interface EventRequest {
  id: string | null;
  idempotencyKey: string | null;
}

type EventRow = typeof events.$inferSelect;

/** The public shape of an event (contract `Event`). */
export function toEvent(row: EventRow) {
  return {
    id: row.id,
    object: 'event' as const,
    type: row.type,
    createdAt: row.createdAt.toISOString(),
    livemode: row.livemode,
    account: row.accountId,
    apiVersion: row.apiVersion,
    data: row.data,
    request: row.request ?? null,
  };
}

/**
 * The transactional outbox (DESIGN §4). `record` inserts on the service's database handle, so a
 * service bound to a transaction (see `Services.transaction`) writes the event with the state
 * change it describes: both commit, or neither.
 */
export function createEventsService(ctx: ServiceContext) {
  const { db } = ctx;
  const owned = (scope: TenantScope) => and(eq(events.accountId, scope.accountId), eq(events.livemode, scope.livemode));
  return {
    /** Writes one event for `scope`. */
    async record(
      scope: TenantScope,
      type: string,
      object: unknown,
      options: {
        previousAttributes?: Record<string, unknown>;
        request?: EventRequest | null;
        /** Internal facts as of the event for its notifications (never in the API's payload). */
        context?: Record<string, unknown>;
      } = {},
    ) {
      const now = ctx.now();
      const [row] = await db
        .insert(events)
        .values({
          id: generateId('event', now.getTime()),
          accountId: scope.accountId,
          livemode: scope.livemode,
          type,
          apiVersion: EVENTS_API_VERSION,
          data: options.previousAttributes ? { object, previousAttributes: options.previousAttributes } : { object },
          request: options.request ?? null,
          context: options.context ?? null,
          createdAt: now,
        })
        .returning();
      return toEvent(row!);
    },

    /** An event of this tenant (404 for other tenants'). */
    async get(scope: TenantScope, id: string) {
      const [row] = await db
        .select()
        .from(events)
        .where(and(owned(scope), eq(events.id, id)));
      if (!row) throw new ServiceError('not_found', `No event ${id}`);
      return toEvent(row);
    },

    /** Events newest first; `type` is exact, `*`, or `prefix.*`. */
    async list(
      scope: TenantScope,
      page: PageParams & { type?: string | undefined },
    ): Promise<ListEnvelope<ReturnType<typeof toEvent>>> {
      const filters = [owned(scope)];
      if (page.type && page.type !== '*') {
        filters.push(
          page.type.endsWith('.*')
            ? like(events.type, `${page.type.slice(0, -1).replace(/[%_\\]/g, '\\$&')}%`)
            : eq(events.type, page.type),
        );
      }
      if (page.startingAfter) filters.push(lt(events.id, page.startingAfter));
      const rows = await db
        .select()
        .from(events)
        .where(and(...filters))
        .orderBy(desc(events.id))
        .limit(page.limit + 1);
      return toPage(rows, page.limit, toEvent);
    },
  };
}

/** The events service. */
export type EventsService = ReturnType<typeof createEventsService>;
