import type { RouteHandler } from '@hono/zod-openapi';
import { EventSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/events/{id}',
    tags: ['Events'],
    operationId: 'getEvent',
    summary: 'Retrieve an event',
    request: { params: idParam('event') },
    responses: { 200: jsonResponse(EventSchema, 'The event') },
  },
  { scopes: ['events:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  return c.json((await c.get('deps').services.events.get(c.get('auth').tenant, c.req.valid('param').id)) as never, 200);
};
