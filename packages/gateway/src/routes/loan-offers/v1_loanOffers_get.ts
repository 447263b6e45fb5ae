import type { RouteHandler } from '@hono/zod-openapi';
import { LoanOfferSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/loan-offers/{id}',
    tags: ['Loan offers'],
    operationId: 'getLoanOffer',
    summary: 'Retrieve a loan offer',
    request: { params: idParam('loanOffer') },
    responses: { 200: jsonResponse(LoanOfferSchema, 'OK') },
  },
  { scopes: ['loans:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.loans.getOffer(tenant, c.req.valid('param').id), 200);
};
