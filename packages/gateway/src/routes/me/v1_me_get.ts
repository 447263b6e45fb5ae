import type { RouteHandler } from '@hono/zod-openapi';
import { ALL_SCOPES, MeSchema } from '@lendwire/contract';
import { toApiKey } from '@lendwire/core/domain';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/me',
    tags: ['Me'],
    operationId: 'getMe',
    summary: 'Who am I',
    description:
      'The calling key, its account, effective scopes, tier and rate limit. Served to suspended accounts too.',
    responses: { 200: jsonResponse(MeSchema, 'The calling key and account') },
  },
  { anyValidKey: true, allowSuspended: true },
);

export const handler: RouteHandler<typeof route, AppEnv> = (c) => {
  const auth = c.get('auth');
  const { policy } = auth;
  return c.json(
    {
      object: 'me' as const,
      account: auth.account,
      apiKey: toApiKey(auth.record.key, c.get('deps').now()),
      actingAs: auth.actingAs,
      scopes: ALL_SCOPES.filter((s) => auth.scopes.has(s)),
      tier: auth.keyAccount.tier,
      rateLimit: { policy: policy.name, requests: policy.limit.requests, windowSeconds: policy.limit.windowSeconds },
      livemode: auth.livemode,
    },
    200,
  );
};
