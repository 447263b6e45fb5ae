import type { RouteHandler } from '@hono/zod-openapi';
import { listSchema, WithdrawalSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse, listQuery } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/withdrawals',
    tags: ['Withdrawals'],
    operationId: 'listWithdrawals',
    summary: 'List withdrawals',
    request: { query: listQuery },
    responses: { 200: jsonResponse(listSchema(WithdrawalSchema), 'Withdrawals, newest first') },
  },
  { scopes: ['wallets:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  return c.json(await c.get('deps').services.withdrawals.list(c.get('auth').tenant, c.req.valid('query')), 200);
};
