import type { RouteHandler } from '@hono/zod-openapi';
import { ApiKeyCreateSchema, ApiKeyWithSecretSchema, expandScopes } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/api-keys',
    tags: ['API keys'],
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description:
      'Creates a key in the caller’s mode (test or live) for the caller’s account, or for the account in `Lendwire-Account` when a platform key acts for it. The response holds `secret`, shown this once. A key can grant only scopes its creator holds.',
    request: { body: jsonBody(ApiKeyCreateSchema) },
    responses: { 201: jsonResponse(ApiKeyWithSecretSchema, 'The new key, with its secret (shown once)') },
  },
  { scopes: ['keys:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const auth = c.get('auth');
  const body = c.req.valid('json');
  // No privilege escalation: every scope the new key would have, the caller must have.
  const granted = expandScopes(body.scopes, auth.account.platform);
  for (const scope of granted) {
    if (!auth.scopes.has(scope)) {
      throw new ApiError('insufficient_scope', `Cannot grant ${scope}: the calling key does not hold it`, {
        requiredScope: scope,
      });
    }
  }
  const key = await c.get('deps').services.apiKeys.create(auth.tenant, body);
  return c.json(key, 201);
};
