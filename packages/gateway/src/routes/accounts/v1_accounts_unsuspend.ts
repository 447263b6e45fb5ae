import type { RouteHandler } from '@hono/zod-openapi';
import { AccountSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/accounts/{id}/unsuspend',
    tags: ['Accounts'],
    operationId: 'unsuspendAccount',
    summary: 'Unsuspend an account',
    description: 'Lets a suspended account use the API again. Repeating the call changes nothing.',
    request: { params: idParam('account') },
    responses: { 200: jsonResponse(AccountSchema, 'The account') },
  },
  { scopes: ['accounts:admin'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { services, keyCache } = c.get('deps');
  const { account } = await services.accounts.setStatus(id, 'active', eventRequest(c));
  keyCache.invalidateAccount(id);
  return c.json(account, 200);
};
