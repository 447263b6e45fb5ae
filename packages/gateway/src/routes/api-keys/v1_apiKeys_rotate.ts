import type { RouteHandler } from '@hono/zod-openapi';
import { ApiKeyRotateSchema, ApiKeyWithSecretSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonBody, jsonResponse } from '../params.js';
import { assertHoldsScopesOf } from './grant.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/api-keys/{id}/rotate',
    tags: ['API keys'],
    operationId: 'rotateApiKey',
    summary: 'Rotate an API key',
    description:
      'Issues a new secret (returned once). The old secret keeps working for `gracePeriodSeconds` (default 0), then gets 401 `api_key_expired`. Id, scopes, limits and usage stay with the key. The calling key must hold every scope of the key it rotates.',
    request: { params: idParam('apiKey'), body: jsonBody(ApiKeyRotateSchema) },
    responses: { 200: jsonResponse(ApiKeyWithSecretSchema, 'The key with its new secret (shown once)') },
  },
  { scopes: ['keys:write'], cost: 5, sensitiveResponse: true },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { gracePeriodSeconds } = c.req.valid('json');
  const { services, keyCache } = c.get('deps');
  const auth = c.get('auth');
  const current = await services.apiKeys.get(auth.tenant, id);
  if (!current) throw new ApiError('not_found', `No API key ${id}`);
  // Rotating hands out a working secret, so it is a grant like creation.
  assertHoldsScopesOf(auth, current.scopes, 'rotate');
  const key = await services.apiKeys.rotate(auth.tenant, id, gracePeriodSeconds, eventRequest(c));
  if (!key) throw new ApiError('not_found', `No API key ${id}`);
  keyCache.invalidateKey(id);
  return c.json(key, 200);
};
