import type { RouteHandler } from '@hono/zod-openapi';
import { LoanListQuerySchema, LoanSchema, listSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/loans',
    tags: ['Loans'],
    operationId: 'listLoans',
    summary: 'List loans',
    description: 'Newest first; filter by `customerId` and `status`.',
    request: { query: LoanListQuerySchema },
    responses: { 200: jsonResponse(listSchema(LoanSchema), 'OK') },
  },
  { scopes: ['loans:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.loans.list(tenant, c.req.valid('query')), 200);
};
