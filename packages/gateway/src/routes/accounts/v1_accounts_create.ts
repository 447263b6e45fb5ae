import type { RouteHandler } from '@hono/zod-openapi';
import { AccountCreateSchema, AccountSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/accounts',
    tags: ['Accounts'],
    operationId: 'createAccount',
    summary: 'Create a partner account',
    request: { body: jsonBody(AccountCreateSchema) },
    responses: { 201: jsonResponse(AccountSchema, 'The new account') },
  },
  { scopes: ['accounts:admin'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const account = await c.get('deps').services.accounts.create(c.req.valid('json'));
  return c.json(account, 201);
};
