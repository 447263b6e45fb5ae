import type { RouteHandler } from '@hono/zod-openapi';
import { WithdrawalSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/withdrawals/{id}',
    tags: ['Withdrawals'],
    operationId: 'getWithdrawal',
    summary: 'Retrieve a withdrawal',
    request: { params: idParam('withdrawal') },
    responses: { 200: jsonResponse(WithdrawalSchema, 'The withdrawal') },
  },
  { scopes: ['wallets:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  return c.json(await c.get('deps').services.withdrawals.get(c.get('auth').tenant, c.req.valid('param').id), 200);
};
