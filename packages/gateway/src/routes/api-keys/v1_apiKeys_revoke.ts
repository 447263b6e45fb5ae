import type { RouteHandler } from '@hono/zod-openapi';
import { ApiKeySchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/api-keys/{id}/revoke',
    tags: ['API keys'],
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description:
      'Every secret of the key gets 401 `api_key_revoked` at once on this gateway instance (within the 30 s key cache on others). Revoking twice is harmless.',
    request: { params: idParam('key_01jd8x3k5w9q4r7t2m6n0p8s1v') },
    responses: { 200: jsonResponse(ApiKeySchema, 'The revoked key') },
  },
  { scopes: ['keys:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { services, keyCache } = c.get('deps');
  const result = await services.apiKeys.revoke(c.get('auth').tenant, id);
  if (!result) throw new ApiError('not_found', `No API key ${id}`);
  keyCache.invalidateKey(id);
  return c.json(result.key, 200);
};
