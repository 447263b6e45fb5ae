import type { RouteHandler } from '@hono/zod-openapi';
import { RepaymentCreateSchema, RepaymentSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/loans/{id}/repayments',
    tags: ['Repayments'],
    operationId: 'createRepayment',
    summary: 'Record a repayment',
    description:
      'Requires `Idempotency-Key`. Records a payment received for an `active` loan and settles it at once: fees, then interest, then principal, oldest installment first. More than the outstanding total is a 422. Emits `repayment.succeeded`, and `loan.paid_off` when nothing is left.',
    request: { params: idParam('loan'), body: jsonBody(RepaymentCreateSchema) },
    responses: { 201: jsonResponse(RepaymentSchema, 'Created') },
  },
  { scopes: ['loans:write'], requireIdempotencyKey: true },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(
    await c.get('deps').services.loans.repay(tenant, c.req.valid('param').id, c.req.valid('json'), eventRequest(c)),
    201,
  );
};
