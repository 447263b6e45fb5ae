import type { RouteHandler } from '@hono/zod-openapi';
import { WebhookEndpointCreateSchema, WebhookEndpointSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/webhook-endpoints',
    tags: ['Webhook endpoints'],
    operationId: 'createWebhookEndpoint',
    summary: 'Create a webhook endpoint',
    description:
      'Events of the types in `enabledEvents` (`*`, exact types, or `prefix.*`) are POSTed to `url`, signed per Standard Webhooks. The response carries the signing `secret` (`whsec_…`), shown this once. The URL must be a public http(s) address (422 otherwise).',
    request: { body: jsonBody(WebhookEndpointCreateSchema) },
    responses: { 201: jsonResponse(WebhookEndpointSchema, 'The endpoint, with its secret (shown once)') },
  },
  { scopes: ['webhooks:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.webhookEndpoints.create(tenant, c.req.valid('json')), 201);
};
