import type { RouteHandler } from '@hono/zod-openapi';
import { CustomerSchema, CustomerUpdateSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { idParam, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'patch',
    path: '/v1/customers/{id}',
    tags: ['Customers'],
    operationId: 'updateCustomer',
    summary: 'Update a customer',
    description: 'Only the fields sent change; `null` clears `email` or `phone`.',
    request: { params: idParam('customer'), body: jsonBody(CustomerUpdateSchema) },
    responses: { 200: jsonResponse(CustomerSchema, 'The updated customer') },
  },
  { scopes: ['customers:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const customer = await c.get('deps').services.customers.update(c.get('auth').tenant, id, c.req.valid('json'));
  if (!customer) throw new ApiError('not_found', `No customer ${id}`);
  return c.json(customer, 200);
};
