import type { RouteHandler } from '@hono/zod-openapi';
import { LoanApplicationRejectSchema, LoanApplicationSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/loan-applications/{id}/reject',
    tags: ['Loan applications'],
    operationId: 'rejectLoanApplication',
    summary: 'Reject a loan application',
    description:
      'Platform keys only (`loans:review`). The `reason` is shown to the customer. Emits `loan_application.rejected`.',
    request: { params: idParam('loanApplication'), body: jsonBody(LoanApplicationRejectSchema) },
    responses: { 200: jsonResponse(LoanApplicationSchema, 'OK') },
  },
  { scopes: ['loans:review'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(
    await c
      .get('deps')
      .services.loanApplications.reject(tenant, c.req.valid('param').id, c.req.valid('json'), eventRequest(c)),
    200,
  );
};
