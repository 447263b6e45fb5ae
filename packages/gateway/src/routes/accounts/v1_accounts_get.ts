import type { RouteHandler } from '@hono/zod-openapi';
import { AccountSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/accounts/{id}',
    tags: ['Accounts'],
    operationId: 'getAccount',
    summary: 'Retrieve an account',
    request: { params: idParam('account') },
    responses: { 200: jsonResponse(AccountSchema, 'The account') },
  },
  { scopes: ['accounts:admin'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const account = await c.get('deps').services.accounts.get(id);
  if (!account) throw new ApiError('not_found', `No account ${id}`);
  return c.json(account, 200);
};
