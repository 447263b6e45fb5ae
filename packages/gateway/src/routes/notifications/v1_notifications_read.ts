import type { RouteHandler } from '@hono/zod-openapi';
import { NotificationSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/notifications/{id}/read',
    tags: ['Notifications'],
    operationId: 'markNotificationRead',
    summary: 'Mark a notification read',
    description: 'Sets `readAt`. Repeating the call changes nothing: a notification keeps the time it was first read.',
    request: { params: idParam('notification') },
    responses: { 200: jsonResponse(NotificationSchema, 'The notification, read') },
  },
  { scopes: ['notifications:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.notifications.markRead(tenant, c.req.valid('param').id), 200);
};
