import type { RouteHandler } from '@hono/zod-openapi';
import { WebhookDeliverySchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/webhook-deliveries/{id}/retry',
    tags: ['Webhook deliveries'],
    operationId: 'retryWebhookDelivery',
    summary: 'Retry a webhook delivery',
    description: 'Sends the delivery again now, whatever its status; its retry schedule starts over.',
    request: { params: idParam('message') },
    responses: { 202: jsonResponse(WebhookDeliverySchema, 'The delivery, queued') },
  },
  { scopes: ['webhooks:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.webhookEndpoints.retry(tenant, c.req.valid('param').id), 202);
};
