import type { RouteHandler } from '@hono/zod-openapi';
import { ApiKeySchema, listSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse, listQuery } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/api-keys',
    tags: ['API keys'],
    operationId: 'listApiKeys',
    summary: 'List API keys',
    request: { query: listQuery },
    responses: { 200: jsonResponse(listSchema(ApiKeySchema), 'Keys of the account in this mode, newest first') },
  },
  { scopes: ['keys:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  return c.json(await c.get('deps').services.apiKeys.list(c.get('auth').tenant, c.req.valid('query')), 200);
};
