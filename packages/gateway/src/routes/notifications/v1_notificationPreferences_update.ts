import type { RouteHandler } from '@hono/zod-openapi';
import { NotificationPreferencesSchema, NotificationPreferencesUpdateSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'put',
    path: '/v1/notification-preferences',
    tags: ['Notification preferences'],
    operationId: 'updateNotificationPreferences',
    summary: 'Update a recipient’s notification preferences',
    description:
      'Sets the preferences given (each a type on a channel, on or off); the others keep theirs. `quietHours` (a daily window in an IANA time zone during which e-mail and SMS are held until it ends) and `locale` are set when present, cleared with `null`. Turning off a required type, or setting a type or channel the recipient never gets, is 422 naming the `preferences.<n>` entry; a bad time or time zone is 400.',
    request: { body: jsonBody(NotificationPreferencesUpdateSchema) },
    responses: { 200: jsonResponse(NotificationPreferencesSchema, 'The recipient’s preferences, as now in effect') },
  },
  { scopes: ['notifications:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.notifications.putPreferences(tenant, c.req.valid('json')), 200);
};
