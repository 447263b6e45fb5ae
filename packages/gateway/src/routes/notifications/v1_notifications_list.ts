import type { RouteHandler } from '@hono/zod-openapi';
import { listSchema, NotificationListQuerySchema, NotificationSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/notifications',
    tags: ['Notifications'],
    operationId: 'listNotifications',
    summary: 'List notifications',
    description:
      'The in-app inbox of the account and of its customers, newest first: one notification per event and recipient, with the state of its e-mail and SMS deliveries. Filter with `unread`, `recipientId` (the account id or a customer id) and `type`. Notifications are written by the notifier shortly after the event, never by the request that caused it.',
    request: { query: NotificationListQuerySchema },
    responses: { 200: jsonResponse(listSchema(NotificationSchema), 'Notifications, newest first') },
  },
  { scopes: ['notifications:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.notifications.list(tenant, c.req.valid('query')), 200);
};
