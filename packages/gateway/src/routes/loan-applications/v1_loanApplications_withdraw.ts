import type { RouteHandler } from '@hono/zod-openapi';
import { LoanApplicationSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/loan-applications/{id}/withdraw',
    tags: ['Loan applications'],
    operationId: 'withdrawLoanApplication',
    summary: 'Withdraw a loan application',
    description:
      'Only a `submitted` application can be withdrawn (409 `state_conflict` otherwise). Emits `loan_application.withdrawn`.',
    request: { params: idParam('loanApplication') },
    responses: { 200: jsonResponse(LoanApplicationSchema, 'OK') },
  },
  { scopes: ['loans:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(
    await c.get('deps').services.loanApplications.withdraw(tenant, c.req.valid('param').id, eventRequest(c)),
    200,
  );
};
