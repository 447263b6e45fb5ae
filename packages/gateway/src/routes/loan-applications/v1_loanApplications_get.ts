import type { RouteHandler } from '@hono/zod-openapi';
import { LoanApplicationSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/loan-applications/{id}',
    tags: ['Loan applications'],
    operationId: 'getLoanApplication',
    summary: 'Retrieve a loan application',
    request: { params: idParam('loanApplication') },
    responses: { 200: jsonResponse(LoanApplicationSchema, 'OK') },
  },
  { scopes: ['loans:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.loanApplications.get(tenant, c.req.valid('param').id), 200);
};
