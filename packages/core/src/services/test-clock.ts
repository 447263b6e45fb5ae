import { sql } from 'drizzle-orm';
import { testClocks } from '../db/schema.js';
import type { ServiceContext, TenantScope } from './context.js';

/**
 * Test-mode clocks (DESIGN §4): each account's test-mode time runs `offset` ahead of real time, so
 * schedules, retries and expiries can be exercised without waiting. Live mode always runs on real
 * time. Advancing only moves time forward.
 */
export function createTestClockService(ctx: ServiceContext) {
  const { db } = ctx;
  const offsetOf = async (accountId: string): Promise<number> => {
    const [row] = await db
      .select({ offsetMs: testClocks.offsetMs })
      .from(testClocks)
      .where(sql`${testClocks.accountId} = ${accountId}`);
    return row?.offsetMs ?? 0;
  };
  return {
    /** The account's current time in this mode. */
    async now(scope: TenantScope): Promise<Date> {
      const real = ctx.now().getTime();
      return new Date(scope.livemode ? real : real + (await offsetOf(scope.accountId)));
    },

    /** Moves the account's test-mode time forward by `seconds`; returns the new test time. */
    async advance(accountId: string, seconds: number): Promise<Date> {
      const ms = Math.round(seconds * 1000);
      const [row] = await db
        .insert(testClocks)
        .values({ accountId, offsetMs: ms, updatedAt: ctx.now() })
        .onConflictDoUpdate({
          target: testClocks.accountId,
          set: { offsetMs: sql`${testClocks.offsetMs} + ${ms}`, updatedAt: ctx.now() },
        })
        .returning({ offsetMs: testClocks.offsetMs });
      return new Date(ctx.now().getTime() + (row?.offsetMs ?? ms));
    },
  };
}

/** The test clock service. */
export type TestClockService = ReturnType<typeof createTestClockService>;
