import type { RouteHandler } from '@hono/zod-openapi';
import { listSchema, WebhookEndpointSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse, listQuery } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/webhook-endpoints',
    tags: ['Webhook endpoints'],
    operationId: 'listWebhookEndpoints',
    summary: 'List webhook endpoints',
    request: { query: listQuery },
    responses: { 200: jsonResponse(listSchema(WebhookEndpointSchema), 'Endpoints, newest first') },
  },
  { scopes: ['webhooks:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.webhookEndpoints.list(tenant, c.req.valid('query')), 200);
};
