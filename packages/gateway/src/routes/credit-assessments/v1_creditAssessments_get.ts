import type { RouteHandler } from '@hono/zod-openapi';
import { CreditAssessmentSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'get',
    path: '/v1/credit-assessments/{id}',
    tags: ['Credit assessments'],
    operationId: 'getCreditAssessment',
    summary: 'Retrieve a credit assessment',
    request: { params: idParam('creditAssessment') },
    responses: { 200: jsonResponse(CreditAssessmentSchema, 'OK') },
  },
  { scopes: ['loans:read'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.creditAssessments.get(tenant, c.req.valid('param').id), 200);
};
