import type { RouteHandler } from '@hono/zod-openapi';
import { WebhookEndpointSchema, WebhookSecretRotateSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/webhook-endpoints/{id}/rotate-secret',
    tags: ['Webhook endpoints'],
    operationId: 'rotateWebhookEndpointSecret',
    summary: 'Rotate an endpoint\u2019s signing secret',
    description:
      'Returns the new `secret` once. For `gracePeriodSeconds` (default 24 h) every delivery carries signatures with both the old and the new secret, so receivers can switch at their own pace.',
    request: { params: idParam('webhookEndpoint'), body: jsonBody(WebhookSecretRotateSchema) },
    responses: { 200: jsonResponse(WebhookEndpointSchema, 'The endpoint, with its new secret (shown once)') },
  },
  { scopes: ['webhooks:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(
    await c.get('deps').services.webhookEndpoints.rotateSecret(tenant, c.req.valid('param').id, c.req.valid('json')),
    200,
  );
};
