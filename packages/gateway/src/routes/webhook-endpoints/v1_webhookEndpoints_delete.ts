import type { RouteHandler } from '@hono/zod-openapi';
import { WebhookEndpointSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'delete',
    path: '/v1/webhook-endpoints/{id}',
    tags: ['Webhook endpoints'],
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete a webhook endpoint',
    description: 'Nothing more is sent to it; deliveries still queued are marked failed.',
    request: { params: idParam('webhookEndpoint') },
    responses: { 200: jsonResponse(WebhookEndpointSchema, 'The deleted endpoint') },
  },
  { scopes: ['webhooks:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.webhookEndpoints.remove(tenant, c.req.valid('param').id), 200);
};
