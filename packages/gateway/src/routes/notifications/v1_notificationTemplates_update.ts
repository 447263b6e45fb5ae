import type { RouteHandler } from '@hono/zod-openapi';
import { NotificationTemplateSchema, NotificationTemplateUpdateSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonBody, jsonResponse } from '../params.js';
import { typeChannelParams } from './template-params.js';

export const route = defineRoute(
  {
    method: 'put',
    path: '/v1/notification-templates/{type}/{channel}',
    tags: ['Notification templates'],
    operationId: 'updateNotificationTemplate',
    summary: 'Override a notification template',
    description:
      'Saves a new version of the account’s template for `type` on `channel` (1, 2, …); notifications made from then on use it. E-mail needs `subject`, `text` and `html`; in-app `subject` (the title) and `text`; SMS `text` only. The template is rendered with the type’s sample variables before it is saved: an unknown variable or filter, or a syntax error, is 422 with `errors[]` naming the part (`subject`, `text`, `html`) and nothing is saved. HTML output is escaped.',
    request: { params: typeChannelParams, body: jsonBody(NotificationTemplateUpdateSchema) },
    responses: { 200: jsonResponse(NotificationTemplateSchema, 'The template now in use, with its new version') },
  },
  { scopes: ['notifications:write'], cost: 2 },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  const { type, channel } = c.req.valid('param');
  return c.json(
    await c.get('deps').services.notifications.putTemplate(tenant, type, channel, c.req.valid('json')),
    200,
  );
};
