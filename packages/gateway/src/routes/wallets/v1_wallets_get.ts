import type { RouteHandler } from '@hono/zod-openapi';
import { WalletSchema } from '@lendwire/contract';
import { toWallet } from '@lendwire/core/domain';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/wallets/{id}',
    tags: ['Wallets'],
    operationId: 'getWallet',
    summary: 'Retrieve a wallet',
    request: { params: idParam('wallet') },
    responses: { 200: jsonResponse(WalletSchema, 'The wallet with its available and pending balances') },
  },
  { scopes: ['wallets:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { services } = c.get('deps');
  const wallet = await services.wallets.get(c.get('auth').tenant, c.req.valid('param').id);
  return c.json(toWallet(wallet) as never, 200);
};
