import type { RouteHandler } from '@hono/zod-openapi';
import { EventTypeInfoSchema, eventTypeCatalog, listSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/event-types',
    tags: ['Events'],
    operationId: 'listEventTypes',
    summary: 'List event types',
    request: {},
    responses: {
      200: jsonResponse(listSchema(EventTypeInfoSchema), 'Every event type, with the JSON Schema of its data.object'),
    },
  },
  { scopes: ['events:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const data = [...eventTypeCatalog()];
  return c.json({ object: 'list' as const, data, hasMore: false, nextCursor: null }, 200);
};
