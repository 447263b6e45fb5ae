import type { RouteHandler } from '@hono/zod-openapi';
import { ApiKeySchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/api-keys/{id}',
    tags: ['API keys'],
    operationId: 'getApiKey',
    summary: 'Retrieve an API key',
    request: { params: idParam('apiKey') },
    responses: { 200: jsonResponse(ApiKeySchema, 'The key (never its secret)') },
  },
  { scopes: ['keys:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const key = await c.get('deps').services.apiKeys.get(c.get('auth').tenant, id);
  if (!key) throw new ApiError('not_found', `No API key ${id}`);
  return c.json(key, 200);
};
