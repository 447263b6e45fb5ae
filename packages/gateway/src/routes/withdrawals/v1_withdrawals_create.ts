import type { RouteHandler } from '@hono/zod-openapi';
import { WithdrawalCreateSchema, WithdrawalSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/withdrawals',
    tags: ['Withdrawals'],
    operationId: 'createWithdrawal',
    summary: 'Withdraw to a bank account',
    description:
      'Requires `Idempotency-Key`. Reserves `amount + fee` from the wallet’s `available` balance (422 `insufficient_funds` when short) and pays out asynchronously: watch `withdrawal.succeeded` / `withdrawal.failed`.',
    request: { body: jsonBody(WithdrawalCreateSchema) },
    responses: { 201: jsonResponse(WithdrawalSchema, 'The withdrawal, pending: amount + fee are reserved') },
  },
  { scopes: ['wallets:write'], requireIdempotencyKey: true },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const withdrawal = await c
    .get('deps')
    .services.withdrawals.create(c.get('auth').tenant, c.req.valid('json'), eventRequest(c));
  return c.json(withdrawal, 201);
};
