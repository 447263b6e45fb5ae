import type { RouteHandler } from '@hono/zod-openapi';
import { WebhookDeliverySchema, WebhookTestSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/webhook-endpoints/{id}/test',
    tags: ['Webhook endpoints'],
    operationId: 'testWebhookEndpoint',
    summary: 'Send a test event',
    description:
      'Queues a sample event of `eventType` to this endpoint only (it is not written to the event log). Follow it with `GET /v1/webhook-deliveries/{id}`.',
    request: { params: idParam('webhookEndpoint'), body: jsonBody(WebhookTestSchema) },
    responses: { 202: jsonResponse(WebhookDeliverySchema, 'The queued delivery') },
  },
  { scopes: ['webhooks:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(
    await c.get('deps').services.webhookEndpoints.sendTest(tenant, c.req.valid('param').id, c.req.valid('json')),
    202,
  );
};
