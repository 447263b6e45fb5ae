import type { RouteHandler } from '@hono/zod-openapi';
import { LoanApplicationApproveSchema, LoanApplicationSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/loan-applications/{id}/approve',
    tags: ['Loan applications'],
    operationId: 'approveLoanApplication',
    summary: 'Approve a loan application with an offer',
    description:
      'Platform keys only (`loans:review`, acting for the partner with `Lendwire-Account`): a partner cannot approve its own applications. Prices the offer (installment amount, total repayable, origination fee) and opens it until `expiresAt` (default 7 days). Returns the application with `offerId` and the `offer`. Emits `loan_application.approved` and `loan_offer.created`.',
    request: { params: idParam('loanApplication'), body: jsonBody(LoanApplicationApproveSchema) },
    responses: { 200: jsonResponse(LoanApplicationSchema, 'OK') },
  },
  { scopes: ['loans:review'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(
    await c
      .get('deps')
      .services.loanApplications.approve(tenant, c.req.valid('param').id, c.req.valid('json'), eventRequest(c)),
    200,
  );
};
