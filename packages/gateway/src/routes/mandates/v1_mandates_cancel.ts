import type { RouteHandler } from '@hono/zod-openapi';
import { MandateSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/mandates/{id}/cancel',
    tags: ['Mandates'],
    operationId: 'cancelMandate',
    summary: 'Cancel a mandate',
    description: 'Only an `active` mandate can be cancelled. Emits `mandate.cancelled`.',
    request: { params: idParam('mandate') },
    responses: { 200: jsonResponse(MandateSchema, 'OK') },
  },
  { scopes: ['loans:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.mandates.cancel(tenant, c.req.valid('param').id, eventRequest(c)), 200);
};
