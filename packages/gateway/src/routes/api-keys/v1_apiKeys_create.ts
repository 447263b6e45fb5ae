import type { RouteHandler } from '@hono/zod-openapi';
import { ApiKeyCreateSchema, ApiKeyWithSecretSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { defineRoute } from '../define.js';
import { eventRequest, jsonBody, jsonResponse } from '../params.js';
import { assertHoldsScopesOf } from './grant.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/api-keys',
    tags: ['API keys'],
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description:
      'Creates a key in the caller’s mode (test or live) for the caller’s account, or for the account in `Lendwire-Account` when a platform key acts for it. The response holds `secret`, shown this once. A key can grant only scopes its creator holds; only platform keys with `accounts:admin` can set a per-key `rateLimit`.',
    request: { body: jsonBody(ApiKeyCreateSchema) },
    responses: { 201: jsonResponse(ApiKeyWithSecretSchema, 'The new key, with its secret (shown once)') },
  },
  { scopes: ['keys:write'], sensitiveResponse: true },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const auth = c.get('auth');
  const body = c.req.valid('json');
  assertHoldsScopesOf(auth, body.scopes, 'grant');
  // A per-key limit is its own budget, possibly far above any tier: only the platform's account
  // administrators may grant one (a platform key with just keys:write may not).
  if (body.rateLimit && !(auth.keyAccount.platform && auth.scopes.has('accounts:admin'))) {
    throw new ApiError(
      'insufficient_scope',
      'Setting a per-key rateLimit needs a platform key with accounts:admin; other keys share their account’s tier',
      { requiredScope: 'accounts:admin' },
    );
  }
  const key = await c.get('deps').services.apiKeys.create(auth.tenant, body, eventRequest(c));
  return c.json(key, 201);
};
