import type { RouteHandler } from '@hono/zod-openapi';
import { WebhookEndpointSchema, WebhookEndpointUpdateSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'patch',
    path: '/v1/webhook-endpoints/{id}',
    tags: ['Webhook endpoints'],
    operationId: 'updateWebhookEndpoint',
    summary: 'Update a webhook endpoint',
    description:
      'Change the URL, the event filters, the description, metadata or throttle; `status: enabled` re-enables a disabled endpoint (then `recover` what failed meanwhile).',
    request: { params: idParam('webhookEndpoint'), body: jsonBody(WebhookEndpointUpdateSchema) },
    responses: { 200: jsonResponse(WebhookEndpointSchema, 'The endpoint') },
  },
  { scopes: ['webhooks:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(
    await c.get('deps').services.webhookEndpoints.update(tenant, c.req.valid('param').id, c.req.valid('json')),
    200,
  );
};
