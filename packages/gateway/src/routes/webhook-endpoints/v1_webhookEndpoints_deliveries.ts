import type { RouteHandler } from '@hono/zod-openapi';
import { listSchema, WebhookDeliveryListQuerySchema, WebhookDeliverySchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/webhook-endpoints/{id}/deliveries',
    tags: ['Webhook deliveries'],
    operationId: 'listWebhookDeliveries',
    summary: 'List an endpoint\u2019s deliveries',
    description:
      'Newest first, each with every attempt (status, duration, response excerpt or error); filter by `status`.',
    request: { params: idParam('webhookEndpoint'), query: WebhookDeliveryListQuerySchema },
    responses: { 200: jsonResponse(listSchema(WebhookDeliverySchema), 'Deliveries, newest first') },
  },
  { scopes: ['webhooks:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(
    await c.get('deps').services.webhookEndpoints.deliveries(tenant, c.req.valid('param').id, c.req.valid('query')),
    200,
  );
};
