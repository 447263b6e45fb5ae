import type { RouteHandler } from '@hono/zod-openapi';
import { MandateSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/mandates/{id}',
    tags: ['Mandates'],
    operationId: 'getMandate',
    summary: 'Retrieve a mandate',
    request: { params: idParam('mandate') },
    responses: { 200: jsonResponse(MandateSchema, 'OK') },
  },
  { scopes: ['loans:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.mandates.get(tenant, c.req.valid('param').id), 200);
};
