import type { RouteHandler } from '@hono/zod-openapi';
import { ApiKeySchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonResponse } from '../params.js';
import { assertHoldsScopesOf } from './grant.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/api-keys/{id}/revoke',
    tags: ['API keys'],
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description:
      'Every secret of the key gets 401 `api_key_revoked` at once on this gateway instance (within the 30 s key cache on others). Revoking twice is harmless. The calling key must hold every scope of the key it revokes.',
    request: { params: idParam('apiKey') },
    responses: { 200: jsonResponse(ApiKeySchema, 'The revoked key') },
  },
  { scopes: ['keys:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { services, keyCache } = c.get('deps');
  const auth = c.get('auth');
  const current = await services.apiKeys.get(auth.tenant, id);
  if (!current) throw new ApiError('not_found', `No API key ${id}`);
  // A weaker key must not be able to lock the account out by revoking a stronger one.
  assertHoldsScopesOf(auth, current.scopes, 'revoke');
  const result = await services.apiKeys.revoke(auth.tenant, id, eventRequest(c));
  if (!result) throw new ApiError('not_found', `No API key ${id}`);
  keyCache.invalidateKey(id);
  return c.json(result.key, 200);
};
