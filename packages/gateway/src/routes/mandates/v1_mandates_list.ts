import type { RouteHandler } from '@hono/zod-openapi';
import { CustomerListQuerySchema, listSchema, MandateSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/mandates',
    tags: ['Mandates'],
    operationId: 'listMandates',
    summary: 'List mandates',
    description: 'Newest first; filter by `customerId`.',
    request: { query: CustomerListQuerySchema },
    responses: { 200: jsonResponse(listSchema(MandateSchema), 'OK') },
  },
  { scopes: ['loans:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.mandates.list(tenant, c.req.valid('query')), 200);
};
