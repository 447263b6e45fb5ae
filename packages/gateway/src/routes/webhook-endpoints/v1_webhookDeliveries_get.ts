import type { RouteHandler } from '@hono/zod-openapi';
import { WebhookDeliverySchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/webhook-deliveries/{id}',
    tags: ['Webhook deliveries'],
    operationId: 'getWebhookDelivery',
    summary: 'Retrieve a webhook delivery',
    request: { params: idParam('message') },
    responses: { 200: jsonResponse(WebhookDeliverySchema, 'The delivery with its attempts') },
  },
  { scopes: ['webhooks:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.webhookEndpoints.delivery(tenant, c.req.valid('param').id), 200);
};
