import type { RouteHandler } from '@hono/zod-openapi';
import { LoanSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/loans/{id}/disburse',
    tags: ['Loans'],
    operationId: 'disburseLoan',
    summary: 'Disburse a loan',
    description:
      'Platform keys only (`operations:write`); requires `Idempotency-Key`. Credits the partner\u2019s wallet with the principal less the origination fee (the fee goes to fee income), writes the schedule from today and makes the loan `active`, in one transaction. Emits `loan.disbursed`.',
    request: { params: idParam('loan') },
    responses: { 200: jsonResponse(LoanSchema, 'OK') },
  },
  { scopes: ['operations:write'], requireIdempotencyKey: true },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.loans.disburse(tenant, c.req.valid('param').id, eventRequest(c)), 200);
};
