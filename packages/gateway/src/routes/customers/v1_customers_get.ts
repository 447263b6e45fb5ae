import type { RouteHandler } from '@hono/zod-openapi';
import { CustomerSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/customers/{id}',
    tags: ['Customers'],
    operationId: 'getCustomer',
    summary: 'Retrieve a customer',
    request: { params: idParam('customer') },
    responses: { 200: jsonResponse(CustomerSchema, 'The customer') },
  },
  { scopes: ['customers:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const customer = await c.get('deps').services.customers.get(c.get('auth').tenant, id);
  if (!customer) throw new ApiError('not_found', `No customer ${id}`);
  return c.json(customer, 200);
};
