import type { RouteHandler } from '@hono/zod-openapi';
import { LoanApplicationListQuerySchema, LoanApplicationSchema, listSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/loan-applications',
    tags: ['Loan applications'],
    operationId: 'listLoanApplications',
    summary: 'List loan applications',
    description: 'Newest first; filter by `customerId` and `status`.',
    request: { query: LoanApplicationListQuerySchema },
    responses: { 200: jsonResponse(listSchema(LoanApplicationSchema), 'OK') },
  },
  { scopes: ['loans:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.loanApplications.list(tenant, c.req.valid('query')), 200);
};
