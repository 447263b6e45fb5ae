import type { RouteHandler } from '@hono/zod-openapi';
import { LoanSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/loans/{id}',
    tags: ['Loans'],
    operationId: 'getLoan',
    summary: 'Retrieve a loan',
    description: 'With what is outstanding, the next due date and delinquency.',
    request: { params: idParam('loan') },
    responses: { 200: jsonResponse(LoanSchema, 'OK') },
  },
  { scopes: ['loans:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.loans.get(tenant, c.req.valid('param').id), 200);
};
