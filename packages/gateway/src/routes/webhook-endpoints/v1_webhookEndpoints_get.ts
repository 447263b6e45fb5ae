import type { RouteHandler } from '@hono/zod-openapi';
import { WebhookEndpointSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/webhook-endpoints/{id}',
    tags: ['Webhook endpoints'],
    operationId: 'getWebhookEndpoint',
    summary: 'Retrieve a webhook endpoint',
    request: { params: idParam('webhookEndpoint') },
    responses: { 200: jsonResponse(WebhookEndpointSchema, 'The endpoint (never its secret)') },
  },
  { scopes: ['webhooks:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.webhookEndpoints.get(tenant, c.req.valid('param').id), 200);
};
