import type { RouteHandler } from '@hono/zod-openapi';
import { LoanApplicationCreateSchema, LoanApplicationSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/loan-applications',
    tags: ['Loan applications'],
    operationId: 'createLoanApplication',
    summary: 'Submit a loan application',
    description:
      'Submits an application for one of your customers (a customer of another account is a 404). The amount and term must be within the product limits (422 otherwise). Emits `loan_application.submitted`; the platform then approves it with an offer or rejects it.',
    request: { body: jsonBody(LoanApplicationCreateSchema) },
    responses: { 201: jsonResponse(LoanApplicationSchema, 'Created') },
  },
  { scopes: ['loans:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(
    await c.get('deps').services.loanApplications.create(tenant, c.req.valid('json'), eventRequest(c)),
    201,
  );
};
