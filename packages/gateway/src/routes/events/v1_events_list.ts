import type { RouteHandler } from '@hono/zod-openapi';
import { EventListQuerySchema, EventSchema, listSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/events',
    tags: ['Events'],
    operationId: 'listEvents',
    summary: 'List events',
    description: 'Filter with `type`: an exact type (`withdrawal.created`), a prefix (`withdrawal.*`) or `*`.',
    request: { query: EventListQuerySchema },
    responses: { 200: jsonResponse(listSchema(EventSchema), 'Events, newest first') },
  },
  { scopes: ['events:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  return c.json((await c.get('deps').services.events.list(c.get('auth').tenant, c.req.valid('query'))) as never, 200);
};
