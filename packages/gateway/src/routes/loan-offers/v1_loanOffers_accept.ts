import type { RouteHandler } from '@hono/zod-openapi';
import { LoanOfferSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/loan-offers/{id}/accept',
    tags: ['Loan offers'],
    operationId: 'acceptLoanOffer',
    summary: 'Accept a loan offer',
    description:
      'Accepts an `open` offer before `expiresAt` (409 `state_conflict` otherwise) and creates the loan, `pending_disbursement`. Returns the offer with `loanId` and the `loan`. Emits `loan_offer.accepted`.',
    request: { params: idParam('loanOffer') },
    responses: { 200: jsonResponse(LoanOfferSchema, 'OK') },
  },
  { scopes: ['loans:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.loans.acceptOffer(tenant, c.req.valid('param').id, eventRequest(c)), 200);
};
