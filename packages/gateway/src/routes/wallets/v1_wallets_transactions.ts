import type { RouteHandler } from '@hono/zod-openapi';
import { listSchema, WalletTransactionSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse, listQuery } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/wallets/{id}/transactions',
    tags: ['Wallets'],
    operationId: 'listWalletTransactions',
    summary: 'List a wallet’s transactions',
    request: { params: idParam('wallet'), query: listQuery },
    responses: {
      200: jsonResponse(
        listSchema(WalletTransactionSchema),
        'Transactions, newest first; they sum to available + pending',
      ),
    },
  },
  { scopes: ['wallets:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { services } = c.get('deps');
  const page = await services.wallets.transactions(c.get('auth').tenant, c.req.valid('param').id, c.req.valid('query'));
  return c.json(page as never, 200);
};
