import type { RouteHandler } from '@hono/zod-openapi';
import { CustomerSchema, listSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse, listQuery } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/customers',
    tags: ['Customers'],
    operationId: 'listCustomers',
    summary: 'List customers',
    request: { query: listQuery },
    responses: { 200: jsonResponse(listSchema(CustomerSchema), 'Customers, newest first') },
  },
  { scopes: ['customers:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  return c.json(await c.get('deps').services.customers.list(c.get('auth').tenant, c.req.valid('query')), 200);
};
