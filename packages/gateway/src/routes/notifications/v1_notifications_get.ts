import type { RouteHandler } from '@hono/zod-openapi';
import { NotificationSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/notifications/{id}',
    tags: ['Notifications'],
    operationId: 'getNotification',
    summary: 'Retrieve a notification',
    request: { params: idParam('notification') },
    responses: { 200: jsonResponse(NotificationSchema, 'The notification, with its channels') },
  },
  { scopes: ['notifications:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.notifications.get(tenant, c.req.valid('param').id), 200);
};
