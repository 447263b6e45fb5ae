import type { RouteHandler } from '@hono/zod-openapi';
import { WalletFundSchema, WalletSchema } from '@lendwire/contract';
import { toWallet } from '@lendwire/core/domain';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/test-helpers/wallets/fund',
    tags: ['Test helpers'],
    operationId: 'fundTestWallet',
    summary: 'Fund the test wallet',
    description:
      'Credits the caller’s test wallet from the external-bank system account, so withdrawals can be tried without a loan. Test keys only: a live key gets 403 `test_mode_only`.',
    request: { body: jsonBody(WalletFundSchema) },
    responses: { 200: jsonResponse(WalletSchema, 'The wallet after the credit') },
  },
  { scopes: ['wallets:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const auth = c.get('auth');
  if (auth.livemode) throw new ApiError('test_mode_only', 'Test helpers work with test keys only (lw_test_…)');
  const { amount, currency } = c.req.valid('json');
  const wallet = await c
    .get('deps')
    .services.wallets.fund(auth.tenant, { amount, currency, reference: `fund:${c.get('requestId')}` });
  return c.json(toWallet(wallet) as never, 200);
};
