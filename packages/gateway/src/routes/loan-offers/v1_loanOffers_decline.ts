import type { RouteHandler } from '@hono/zod-openapi';
import { LoanOfferSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/loan-offers/{id}/decline',
    tags: ['Loan offers'],
    operationId: 'declineLoanOffer',
    summary: 'Decline a loan offer',
    description: 'Emits `loan_offer.declined`.',
    request: { params: idParam('loanOffer') },
    responses: { 200: jsonResponse(LoanOfferSchema, 'OK') },
  },
  { scopes: ['loans:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.loans.declineOffer(tenant, c.req.valid('param').id, eventRequest(c)), 200);
};
