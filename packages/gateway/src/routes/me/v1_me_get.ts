import type { RouteHandler } from '@hono/zod-openapi';
import { ALL_SCOPES, type ApiKey, MeSchema } from '@lendwire/contract';
import type { KeyAuthRecord } from '@lendwire/core';
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

type KeyRow = KeyAuthRecord['key'];

/**
 * The public shape of a cached key row, per row, with the span of time it holds for: its status and
 * the grace period it shows change only at the key's expiry and at the end of the old secret's grace.
 */
const views = new WeakMap<KeyRow, { view: ApiKey; from: number; until: number }>();

function apiKeyView(row: KeyRow, t: number): ApiKey {
  const known = views.get(row);
  if (known && known.from <= t && t < known.until) return known.view;
  const view = toApiKey(row, new Date(t));
  let until = Number.POSITIVE_INFINITY;
  for (const at of [row.expiresAt, row.previousSecretExpiresAt]) {
    if (at && at.getTime() > t) until = Math.min(until, at.getTime());
  }
  views.set(row, { view, from: t, until });
  return view;
}

export const handler: RouteHandler<typeof route, AppEnv> = (c) => {
  const auth = c.get('auth');
  const { policy } = auth;
  return c.json(
    {
      object: 'me' as const,
      account: auth.account,
      apiKey: apiKeyView(auth.record.key, c.get('deps').nowMs()),
      actingAs: auth.actingAs,
      scopes: ALL_SCOPES.filter((s) => auth.scopes.has(s)),
      tier: auth.keyAccount.tier,
      rateLimit: { policy: policy.name, requests: policy.limit.requests, windowSeconds: policy.limit.windowSeconds },
      livemode: auth.livemode,
    },
    200,
  );
};
