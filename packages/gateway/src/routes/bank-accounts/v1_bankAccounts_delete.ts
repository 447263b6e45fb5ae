import type { RouteHandler } from '@hono/zod-openapi';
import { BankAccountSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'delete',
    path: '/v1/bank-accounts/{id}',
    tags: ['Bank accounts'],
    operationId: 'deleteBankAccount',
    summary: 'Remove a bank account',
    request: { params: idParam('bankAccount') },
    responses: { 200: jsonResponse(BankAccountSchema, 'The removed bank account (status removed)') },
  },
  { scopes: ['wallets:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  return c.json(
    await c.get('deps').services.bankAccounts.remove(c.get('auth').tenant, c.req.valid('param').id, eventRequest(c)),
    200,
  );
};
