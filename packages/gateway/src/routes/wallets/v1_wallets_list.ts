import type { RouteHandler } from '@hono/zod-openapi';
import { listSchema, WalletSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse, listQuery } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/wallets',
    tags: ['Wallets'],
    operationId: 'listWallets',
    summary: 'List wallets',
    request: { query: listQuery },
    responses: { 200: jsonResponse(listSchema(WalletSchema), 'Wallets, newest first') },
  },
  { scopes: ['wallets:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { services } = c.get('deps');
  return c.json((await services.wallets.list(c.get('auth').tenant, c.req.valid('query'))) as never, 200);
};
