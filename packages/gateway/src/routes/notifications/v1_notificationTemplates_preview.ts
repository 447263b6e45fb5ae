import type { RouteHandler } from '@hono/zod-openapi';
import { NotificationTemplatePreviewResultSchema, NotificationTemplatePreviewSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonBody, jsonResponse } from '../params.js';
import { typeParams } from './template-params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/notification-templates/{type}/preview',
    tags: ['Notification templates'],
    operationId: 'previewNotificationTemplate',
    summary: 'Preview a notification template',
    description:
      'Renders what a recipient would get: the templates in use for every channel of the type (or only `channel`), or a draft `template` for `channel`, with the type’s sample variables overridden by `variables`. Nothing is saved or sent, so `notifications:read` is enough. A draft that does not render is 422 with `errors[]` naming `template.<part>`.',
    request: {
      params: typeParams,
      body: {
        ...jsonBody(
          NotificationTemplatePreviewSchema,
          'Optional: without a body, every channel’s template in use is rendered with the sample',
        ),
        required: false,
      },
    },
    responses: { 200: jsonResponse(NotificationTemplatePreviewResultSchema, 'The rendered messages, per channel') },
  },
  { scopes: ['notifications:read'], cost: 2 },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(
    await c.get('deps').services.notifications.preview(tenant, c.req.valid('param').type, c.req.valid('json')),
    200,
  );
};
