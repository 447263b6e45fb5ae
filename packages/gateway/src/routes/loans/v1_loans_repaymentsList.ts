import type { RouteHandler } from '@hono/zod-openapi';
import { listSchema, RepaymentSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse, listQuery } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/loans/{id}/repayments',
    tags: ['Repayments'],
    operationId: 'listLoanRepayments',
    summary: 'List a loan\u2019s repayments',
    description: 'Newest first, manual payments and mandate collections alike.',
    request: { params: idParam('loan'), query: listQuery },
    responses: { 200: jsonResponse(listSchema(RepaymentSchema), 'OK') },
  },
  { scopes: ['loans:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(
    await c.get('deps').services.loans.listRepayments(tenant, c.req.valid('param').id, c.req.valid('query')),
    200,
  );
};
