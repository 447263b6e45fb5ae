import type { RouteHandler } from '@hono/zod-openapi';
import { BankAccountSchema, listSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse, listQuery } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/bank-accounts',
    tags: ['Bank accounts'],
    operationId: 'listBankAccounts',
    summary: 'List bank accounts',
    request: { query: listQuery },
    responses: { 200: jsonResponse(listSchema(BankAccountSchema), 'Bank accounts not removed, newest first') },
  },
  { scopes: ['wallets:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  return c.json(await c.get('deps').services.bankAccounts.list(c.get('auth').tenant, c.req.valid('query')), 200);
};
