import type { RouteHandler } from '@hono/zod-openapi';
import { BankAccountCreateSchema, BankAccountSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/bank-accounts',
    tags: ['Bank accounts'],
    operationId: 'createBankAccount',
    summary: 'Add a bank account',
    description:
      'The rail verifies the account before it is added. The full number is encrypted at rest and never returned or logged; `last4` identifies it.',
    request: { body: jsonBody(BankAccountCreateSchema) },
    responses: { 201: jsonResponse(BankAccountSchema, 'The bank account (only its last four digits)') },
  },
  { scopes: ['wallets:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const account = await c
    .get('deps')
    .services.bankAccounts.create(c.get('auth').tenant, c.req.valid('json'), eventRequest(c));
  return c.json(account, 201);
};
