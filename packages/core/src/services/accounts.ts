import {
  type Account,
  type AccountCreateParams,
  AccountCreateSchema,
  type AccountStatus,
  type AccountUpdateParams,
  generateId,
} from '@lendwire/contract';
import { and, desc, eq, lt } from 'drizzle-orm';
import { accounts } from '../db/schema.js';
import { inTransaction, type ServiceContext, ServiceError } from './context.js';
import { createEventsService, type EventRequest } from './events.js';
import { type PageParams, toPage } from './pagination.js';

type AccountRow = typeof accounts.$inferSelect;

/** The event a change to each status writes. */
const STATUS_EVENTS = { suspended: 'account.suspended', active: 'account.unsuspended' } as const;

/** Maps an account row to its public shape. */
export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    object: 'account',
    name: row.name,
    contactEmail: row.contactEmail,
    tier: row.tier,
    status: row.status,
    platform: row.platform,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Accounts: partner accounts and the single platform account. */
export function createAccountsService(ctx: ServiceContext) {
  const { db } = ctx;
  return {
    /** Creates a partner account. */
    async create(params: AccountCreateParams): Promise<Account> {
      const input = AccountCreateSchema.parse(params);
      const now = ctx.now();
      const [row] = await db
        .insert(accounts)
        .values({ id: generateId('account', now.getTime()), ...input, createdAt: now, updatedAt: now })
        .returning();
      return toAccount(row!);
    },

    /** The platform account, created on first use. */
    async ensurePlatform(): Promise<Account> {
      const [existing] = await db.select().from(accounts).where(eq(accounts.platform, true));
      if (existing) return toAccount(existing);
      const now = ctx.now();
      await db
        .insert(accounts)
        .values({
          id: generateId('account', now.getTime()),
          name: 'Platform',
          contactEmail: 'platform@lendwire.local',
          tier: 'scale',
          platform: true,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing();
      const [row] = await db.select().from(accounts).where(eq(accounts.platform, true));
      return toAccount(row!);
    },

    /** An account by id, or null. */
    async get(id: string): Promise<Account | null> {
      const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
      return row ? toAccount(row) : null;
    },

    /** Accounts, newest first. */
    async list(page: PageParams) {
      const rows = await db
        .select()
        .from(accounts)
        .where(page.startingAfter ? lt(accounts.id, page.startingAfter) : undefined)
        .orderBy(desc(accounts.id))
        .limit(page.limit + 1);
      return toPage(rows, page.limit, toAccount);
    },

    /** Updates name, contact e-mail, tier or metadata. */
    async update(id: string, params: AccountUpdateParams): Promise<Account> {
      const [row] = await db
        .update(accounts)
        .set({ ...params, updatedAt: ctx.now() })
        .where(eq(accounts.id, id))
        .returning();
      if (!row) throw new ServiceError('not_found', `No account ${id}`);
      return toAccount(row);
    },

    /**
     * Suspends or reactivates a partner account. The platform account cannot be suspended. The
     * change is a compare-and-set on the other status, so of two concurrent calls one changes the
     * account and writes the event, the other sees `changed: false`.
     */
    async setStatus(
      id: string,
      status: AccountStatus,
      request: EventRequest | null = null,
    ): Promise<{ account: Account; changed: boolean }> {
      const from: AccountStatus = status === 'suspended' ? 'active' : 'suspended';
      return inTransaction(ctx, async (tx) => {
        const [row] = await tx.db
          .update(accounts)
          .set({ status, updatedAt: ctx.now() })
          .where(and(eq(accounts.id, id), eq(accounts.status, from), eq(accounts.platform, false)))
          .returning();
        if (!row) {
          // On the transaction's connection (PGlite has one): why nothing changed.
          const [current] = await tx.db.select().from(accounts).where(eq(accounts.id, id));
          if (!current) throw new ServiceError('not_found', `No account ${id}`);
          if (current.platform && status === 'suspended') {
            throw new ServiceError('state_conflict', 'The platform account cannot be suspended');
          }
          return { account: toAccount(current), changed: false };
        }
        const account = toAccount(row);
        // An account is one tenant in each mode, and suspension stops its test and live keys alike:
        // the event is written once per mode, so both modes' event lists and webhook endpoints see it.
        const events = createEventsService(tx);
        for (const livemode of [false, true]) {
          await events.record({ accountId: id, livemode }, STATUS_EVENTS[status], account, {
            previousAttributes: { status: from },
            request,
          });
        }
        return { account, changed: true };
      });
    },
  };
}

/** The accounts service. */
export type AccountsService = ReturnType<typeof createAccountsService>;
