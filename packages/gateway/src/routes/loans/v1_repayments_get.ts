import type { RouteHandler } from '@hono/zod-openapi';
import { RepaymentSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/repayments/{id}',
    tags: ['Repayments'],
    operationId: 'getRepayment',
    summary: 'Retrieve a repayment',
    request: { params: idParam('repayment') },
    responses: { 200: jsonResponse(RepaymentSchema, 'OK') },
  },
  { scopes: ['loans:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.loans.getRepayment(tenant, c.req.valid('param').id), 200);
};
