import type { RouteHandler } from '@hono/zod-openapi';
import { LoanSchema } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../define.js';
import { eventRequest, idParam, jsonResponse } from '../params.js';

export const route = defineRoute(
  {
    method: 'post',
    path: '/v1/loans/{id}/write-off',
    tags: ['Loans'],
    operationId: 'writeOffLoan',
    summary: 'Write a loan off',
    description:
      'Platform keys only (`operations:write`). An `active` loan becomes `written_off`; nothing more is collected. Emits `loan.written_off`.',
    request: { params: idParam('loan') },
    responses: { 200: jsonResponse(LoanSchema, 'OK') },
  },
  { scopes: ['operations:write'] },
);

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const tenant = c.get('auth').tenant;
  return c.json(await c.get('deps').services.loans.writeOff(tenant, c.req.valid('param').id, eventRequest(c)), 200);
};
