import type { RouteHandler } from '@hono/zod-openapi';
import { AccountSchema, AccountUpdateSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { idParam, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'patch',
    path: '/v1/accounts/{id}',
    tags: ['Accounts'],
    operationId: 'updateAccount',
    summary: 'Update an account (name, contact e-mail, tier, metadata)',
    request: { params: idParam('account'), body: jsonBody(AccountUpdateSchema) },
    responses: { 200: jsonResponse(AccountSchema, 'The updated account') },
  },
  { scopes: ['accounts:admin'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { services, keyCache } = c.get('deps');
  if (!(await services.accounts.get(id))) throw new ApiError('not_found', `No account ${id}`);
  const account = await services.accounts.update(id, c.req.valid('json'));
  // A tier change must reach this instance's cached keys now, not after the cache TTL.
  keyCache.invalidateAccount(id);
  return c.json(account, 200);
};
