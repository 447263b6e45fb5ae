import type { RouteHandler } from '@hono/zod-openapi';
import { ClockAdvanceSchema, TestClockSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/test-helpers/clock/advance',
    tags: ['Test helpers'],
    operationId: 'advanceTestClock',
    summary: 'Advance the test clock',
    description:
      'Moves the caller’s test-mode time forward by `seconds` and returns once the work that became due has run (offer expiries, repayment reminders, collections and their retries, overdue marks, payout retries), stepping through each day crossed so they happen in order. Test keys only: a live key gets 403 `test_mode_only`.',
    request: { body: jsonBody(ClockAdvanceSchema) },
    responses: { 200: jsonResponse(TestClockSchema, 'The account’s test clock after the advance') },
  },
  { scopes: ['wallets:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const auth = c.get('auth');
  if (auth.livemode) throw new ApiError('test_mode_only', 'Test helpers work with test keys only (lw_test_…)');
  const { services, runDueWork } = c.get('deps');
  const before = await services.testClock.now(auth.tenant);
  const now = await services.testClock.advance(auth.tenant.accountId, c.req.valid('json').seconds);
  // Lending's time-driven work, day by day (expiries, reminders, collections, overdue marks), then
  // the tenant's queued jobs that became due (payout retries).
  await services.lendingScheduler.runThrough(auth.tenant, before, now);
  await runDueWork?.(auth.tenant, now);
  return c.json({ object: 'test_clock' as const, now: now.toISOString() }, 200);
};
