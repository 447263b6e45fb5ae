import type { RouteHandler } from '@hono/zod-openapi';
import { BankAccountSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/bank-accounts/{id}',
    tags: ['Bank accounts'],
    operationId: 'getBankAccount',
    summary: 'Retrieve a bank account',
    request: { params: idParam('bankAccount') },
    responses: { 200: jsonResponse(BankAccountSchema, 'The bank account') },
  },
  { scopes: ['wallets:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  return c.json(await c.get('deps').services.bankAccounts.get(c.get('auth').tenant, c.req.valid('param').id), 200);
};
