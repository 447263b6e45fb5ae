import type { RouteHandler } from '@hono/zod-openapi';
import { CustomerCreateSchema, CustomerSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/customers',
    tags: ['Customers'],
    operationId: 'createCustomer',
    summary: 'Create a customer',
    description: 'Send an `Idempotency-Key` to make retries safe: a retry returns the first response.',
    request: { body: jsonBody(CustomerCreateSchema) },
    responses: { 201: jsonResponse(CustomerSchema, 'The new customer') },
  },
  { scopes: ['customers:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const customer = await c.get('deps').services.customers.create(c.get('auth').tenant, c.req.valid('json'));
  return c.json(customer, 201);
};
