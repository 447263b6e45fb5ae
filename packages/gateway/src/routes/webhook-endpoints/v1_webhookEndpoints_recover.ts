import type { RouteHandler } from '@hono/zod-openapi';
import { WebhookRecoverResultSchema, WebhookRecoverSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/webhook-endpoints/{id}/recover',
    tags: ['Webhook endpoints'],
    operationId: 'recoverWebhookEndpoint',
    summary: 'Re-send failed deliveries',
    description:
      'Re-queues every delivery to this endpoint that failed, created since `since`; each is sent again with its schedule starting over.',
    request: { params: idParam('webhookEndpoint'), body: jsonBody(WebhookRecoverSchema) },
    responses: { 202: jsonResponse(WebhookRecoverResultSchema, 'How many deliveries were re-queued') },
  },
  { scopes: ['webhooks:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(
    await c.get('deps').services.webhookEndpoints.recover(tenant, c.req.valid('param').id, c.req.valid('json')),
    202,
  );
};
