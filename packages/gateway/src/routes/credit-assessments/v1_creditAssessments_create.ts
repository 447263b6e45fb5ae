import type { RouteHandler } from '@hono/zod-openapi';
import { CreditAssessmentCreateSchema, CreditAssessmentSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, jsonBody, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/credit-assessments',
    tags: ['Credit assessments'],
    operationId: 'createCreditAssessment',
    summary: 'Assess a transaction history',
    description:
      'Upload a customer\u2019s (or, without `customerId`, your own) bank transactions as JSON rows or CSV. Rows are validated one by one: invalid CSV rows are reported in `errors` by row number and left out; none valid is a 422. The assessment is scored asynchronously (`credit_assessment.completed`); see the credit assessments guide for the formula. Emits `transaction_history.uploaded`.',
    request: { body: jsonBody(CreditAssessmentCreateSchema) },
    responses: { 201: jsonResponse(CreditAssessmentSchema, 'Created') },
  },
  { scopes: ['loans:write'], cost: 5 },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(
    await c.get('deps').services.creditAssessments.create(tenant, c.req.valid('json'), eventRequest(c)),
    201,
  );
};
