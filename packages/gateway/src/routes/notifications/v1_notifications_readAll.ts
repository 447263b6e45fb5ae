import type { RouteHandler } from '@hono/zod-openapi';
import { NotificationReadAllResultSchema, NotificationReadAllSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/notifications/read-all',
    tags: ['Notifications'],
    operationId: 'markAllNotificationsRead',
    summary: 'Mark every notification read',
    description:
      'Marks every unread notification of the account and its customers read, or only those of `recipientId` (the account id or a customer id). The body is optional. `updated` counts the notifications that were unread; a second call answers 0.',
    request: {
      body: {
        ...jsonBody(NotificationReadAllSchema, 'Optional: `{ recipientId }` to mark only one recipient’s'),
        required: false,
      },
    },
    responses: { 200: jsonResponse(NotificationReadAllResultSchema, 'How many notifications were marked read') },
  },
  { scopes: ['notifications:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  const { recipientId } = c.req.valid('json');
  return c.json(await c.get('deps').services.notifications.readAll(tenant, recipientId), 200);
};
