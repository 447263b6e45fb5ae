import type { RouteHandler } from '@hono/zod-openapi';
import { AccountSchema, listSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse, listQuery } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/accounts',
    tags: ['Accounts'],
    operationId: 'listAccounts',
    summary: 'List accounts',
    request: { query: listQuery },
    responses: { 200: jsonResponse(listSchema(AccountSchema), 'Accounts, newest first') },
  },
  { scopes: ['accounts:admin'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  return c.json(await c.get('deps').services.accounts.list(c.req.valid('query')), 200);
};
