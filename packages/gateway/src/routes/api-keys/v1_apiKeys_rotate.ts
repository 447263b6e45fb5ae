import type { RouteHandler } from '@hono/zod-openapi';
import { ApiKeyRotateSchema, ApiKeyWithSecretSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { idParam, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/api-keys/{id}/rotate',
    tags: ['API keys'],
    operationId: 'rotateApiKey',
    summary: 'Rotate an API key',
    description:
      'Issues a new secret (returned once). The old secret keeps working for `gracePeriodSeconds` (default 0), then gets 401 `api_key_expired`. Id, scopes, limits and usage stay with the key.',
    request: { params: idParam('key_01jd8x3k5w9q4r7t2m6n0p8s1v'), body: jsonBody(ApiKeyRotateSchema) },
    responses: { 200: jsonResponse(ApiKeyWithSecretSchema, 'The key with its new secret (shown once)') },
  },
  { scopes: ['keys:write'], cost: 5 },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { gracePeriodSeconds } = c.req.valid('json');
  const { services, keyCache } = c.get('deps');
  const key = await services.apiKeys.rotate(c.get('auth').tenant, id, gracePeriodSeconds);
  if (!key) throw new ApiError('not_found', `No API key ${id}`);
  keyCache.invalidateKey(id);
  return c.json(key, 200);
};
