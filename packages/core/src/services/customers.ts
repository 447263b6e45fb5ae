import {
  type Customer,
  type CustomerCreateParams,
  CustomerCreateSchema,
  type CustomerUpdateParams,
  CustomerUpdateSchema,
  generateId,
} from '@lendwire/contract';
import { and, desc, eq, lt } from 'drizzle-orm';
import { customers } from '../db/schema.js';
import type { ServiceContext, TenantScope } from './context.js';
import { type PageParams, toPage } from './pagination.js';

type CustomerRow = typeof customers.$inferSelect;

/** Maps a customer row to its public shape. */
export function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    object: 'customer',
    name: row.name,
    email: row.email,
    phone: row.phone,
    metadata: row.metadata,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Customers of a partner account, always scoped by account and mode. */
export function createCustomersService(ctx: ServiceContext) {
  const { db } = ctx;
  const owned = (scope: TenantScope) =>
    and(eq(customers.accountId, scope.accountId), eq(customers.livemode, scope.livemode));
  return {
    /** Creates a customer. */
    async create(scope: TenantScope, params: CustomerCreateParams): Promise<Customer> {
      const input = CustomerCreateSchema.parse(params);
      const now = ctx.now();
      const [row] = await db
        .insert(customers)
        .values({
          id: generateId('customer', now.getTime()),
          accountId: scope.accountId,
          livemode: scope.livemode,
          name: input.name,
          email: input.email ?? null,
          phone: input.phone ?? null,
          metadata: input.metadata,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      return toCustomer(row!);
    },

    /** A customer of this tenant, or null (also for other tenants' customers). */
    async get(scope: TenantScope, id: string): Promise<Customer | null> {
      const [row] = await db
        .select()
        .from(customers)
        .where(and(owned(scope), eq(customers.id, id)));
      return row ? toCustomer(row) : null;
    },

    /** Customers of this tenant, newest first. */
    async list(scope: TenantScope, page: PageParams) {
      const rows = await db
        .select()
        .from(customers)
        .where(and(owned(scope), page.startingAfter ? lt(customers.id, page.startingAfter) : undefined))
        .orderBy(desc(customers.id))
        .limit(page.limit + 1);
      return toPage(rows, page.limit, toCustomer);
    },

    /** Updates a customer; null clears email or phone. Null result when it is not this tenant's. */
    async update(scope: TenantScope, id: string, params: CustomerUpdateParams): Promise<Customer | null> {
      const input = CustomerUpdateSchema.parse(params);
      const [row] = await db
        .update(customers)
        .set({ ...input, updatedAt: ctx.now() })
        .where(and(owned(scope), eq(customers.id, id)))
        .returning();
      return row ? toCustomer(row) : null;
    },
  };
}

/** The customers service. */
export type CustomersService = ReturnType<typeof createCustomersService>;
