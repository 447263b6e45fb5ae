import type { RouteHandler } from '@hono/zod-openapi';
import { CreditAssessmentSchema, CustomerListQuerySchema, listSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/credit-assessments',
    tags: ['Credit assessments'],
    operationId: 'listCreditAssessments',
    summary: 'List credit assessments',
    description: 'Newest first; filter by `customerId`.',
    request: { query: CustomerListQuerySchema },
    responses: { 200: jsonResponse(listSchema(CreditAssessmentSchema), 'OK') },
  },
  { scopes: ['loans:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.creditAssessments.list(tenant, c.req.valid('query')), 200);
};
