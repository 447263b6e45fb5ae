import type { RouteHandler } from '@hono/zod-openapi';
import { NotificationPreferencesQuerySchema, NotificationPreferencesSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/notification-preferences',
    tags: ['Notification preferences'],
    operationId: 'getNotificationPreferences',
    summary: 'Retrieve a recipient’s notification preferences',
    description:
      'Every type and channel the recipient (the account by default, or a customer with `recipientId`) can be told about, with the effective setting, the default, and whether it is required (security and account status: cannot be turned off). Also the quiet hours and the locale messages are written in.',
    request: { query: NotificationPreferencesQuerySchema },
    responses: { 200: jsonResponse(NotificationPreferencesSchema, 'The recipient’s preferences') },
  },
  { scopes: ['notifications:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  const { recipientId } = c.req.valid('query');
  return c.json(await c.get('deps').services.notifications.getPreferences(tenant, recipientId), 200);
};
