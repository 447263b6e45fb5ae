import type { RouteHandler } from '@hono/zod-openapi';
import { LoanScheduleSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/loans/{id}/schedule',
    tags: ['Loans'],
    operationId: 'getLoanSchedule',
    summary: 'Retrieve a loan\u2019s schedule',
    description:
      'Every installment, in one page. Before disbursement the dates are projected as if the loan were disbursed now.',
    request: { params: idParam('loan') },
    responses: { 200: jsonResponse(LoanScheduleSchema, 'OK') },
  },
  { scopes: ['loans:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.loans.schedule(tenant, c.req.valid('param').id), 200);
};
