import type { RouteHandler } from '@hono/zod-openapi';
import { MandateCreateSchema, MandateSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/mandates',
    tags: ['Mandates'],
    operationId: 'createMandate',
    summary: 'Create a direct-debit mandate',
    description:
      'Creates a `pending` mandate on a customer\u2019s bank account; the bank answers asynchronously (`mandate.activated` or `mandate.failed`; in test mode an account number ending in 0004 is rejected). Due installments of the customer\u2019s loans are then collected through it. The full account number is never returned.',
    request: { body: jsonBody(MandateCreateSchema) },
    responses: { 201: jsonResponse(MandateSchema, 'Created') },
  },
  { scopes: ['loans:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.mandates.create(tenant, c.req.valid('json')), 201);
};
