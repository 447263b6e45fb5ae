import type { RouteHandler } from '@hono/zod-openapi';
import { AccountSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/accounts/{id}/suspend',
    tags: ['Accounts'],
    operationId: 'suspendAccount',
    summary: 'Suspend an account',
    description:
      'Suspended accounts get 403 `account_suspended` on every route but `/v1/me`. The platform account cannot be suspended. Repeating the call changes nothing.',
    request: { params: idParam('account') },
    responses: { 200: jsonResponse(AccountSchema, 'The account') },
  },
  { scopes: ['accounts:admin'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { services, keyCache } = c.get('deps');
  const { account } = await services.accounts.setStatus(id, 'suspended', eventRequest(c));
  keyCache.invalidateAccount(id);
  return c.json(account, 200);
};
