import { eq } from 'drizzle-orm';
import { accounts } from '../db/schema.js';
import { type ServiceContext, ServiceError, type TenantScope } from '../services/context.js';
import { createTestClockService } from '../services/test-clock.js';

/**
 * Refuses lending actions of a suspended account (DESIGN: a suspended account cannot apply, accept,
 * disburse or collect). The gateway already answers 403 to a suspended account's keys; this holds
 * for platform keys acting for it and for the scheduler.
 */
export async function assertAccountActive(ctx: ServiceContext, scope: TenantScope, action: string): Promise<void> {
  const [owner] = await ctx.db
    .select({ status: accounts.status })
    .from(accounts)
    .where(eq(accounts.id, scope.accountId));
  if (owner?.status !== 'active') {
    throw new ServiceError('account_suspended', `Account ${scope.accountId} is suspended and cannot ${action}`);
  }
}

/** The tenant's current time: its test clock in test mode, real time in live mode. */
export function tenantNow(ctx: ServiceContext, scope: TenantScope): Promise<Date> {
  return createTestClockService(ctx).now(scope);
}
