import type { RouteHandler } from '@hono/zod-openapi';
import { LoanOfferListQuerySchema, LoanOfferSchema, listSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/loan-offers',
    tags: ['Loan offers'],
    operationId: 'listLoanOffers',
    summary: 'List loan offers',
    description: 'Newest first; filter by `customerId` and `status`.',
    request: { query: LoanOfferListQuerySchema },
    responses: { 200: jsonResponse(listSchema(LoanOfferSchema), 'OK') },
  },
  { scopes: ['loans:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.loans.listOffers(tenant, c.req.valid('query')), 200);
};
