import { type RouteHandler, z } from '@hono/zod-openapi';
import { ApiKeyUsageSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/api-keys/{id}/usage',
    tags: ['API keys'],
    operationId: 'getApiKeyUsage',
    summary: 'Daily usage of an API key',
    description: 'Requests, 4xx, 5xx and 429 responses per UTC day, newest first.',
    request: {
      params: idParam('apiKey'),
      query: z.object({ days: z.coerce.number().int().min(1).max(90).default(30) }),
    },
    responses: { 200: jsonResponse(ApiKeyUsageSchema, 'Usage per day') },
  },
  { scopes: ['keys:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { days } = c.req.valid('query');
  const { services, usage } = c.get('deps');
  await usage.flush();
  const result = await services.apiKeys.usage(c.get('auth').tenant, id, days);
  if (!result) throw new ApiError('not_found', `No API key ${id}`);
  return c.json(result, 200);
};
