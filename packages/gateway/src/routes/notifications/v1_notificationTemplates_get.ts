import type { RouteHandler } from '@hono/zod-openapi';
import { NotificationTemplateSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse } from '../params.js';
import { typeChannelParams } from './template-params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/notification-templates/{type}/{channel}',
    tags: ['Notification templates'],
    operationId: 'getNotificationTemplate',
    summary: 'Retrieve a notification template',
    description:
      'The template in use for `type` on `channel`: the account’s newest override, or the built-in one (`version` 0). `variables` is a sample of what templates of this type can use. Templates are Liquid (`{{ loan.id }}`, filters `money` and `date_long`); a channel the type has no message on is 422.',
    request: { params: typeChannelParams },
    responses: { 200: jsonResponse(NotificationTemplateSchema, 'The template in use') },
  },
  { scopes: ['notifications:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  const { type, channel } = c.req.valid('param');
  return c.json(await c.get('deps').services.notifications.getTemplate(tenant, type, channel), 200);
};
