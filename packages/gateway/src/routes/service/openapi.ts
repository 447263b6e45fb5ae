import type { OpenAPIHono } from '@hono/zod-openapi';
import { ERROR_CODES } from '@lendwire/contract';
import type { AppEnv } from '../../env.js';

/** The OpenAPI 3.1 document's top-level fields. */
export const OPENAPI_INFO: Parameters<OpenAPIHono<AppEnv>['getOpenAPI31Document']>[0] = {
  openapi: '3.1.0',
  info: {
    title: 'Lendwire API',
    version: '2026-11-01',
    description: `Lending, wallets and notifications for partners. Authenticate with \`Authorization: Bearer <key>\`.
Errors are RFC 9457 problem details with a stable \`code\`: ${Object.keys(ERROR_CODES)
      .map((c) => `\`${c}\``)
      .join(', ')}.`,
    contact: { name: 'Lendwire', url: 'https://docs.lendwire.dev' },
    license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
  },
  servers: [{ url: 'http://127.0.0.1:8787', description: 'Local gateway (pnpm start)' }],
  tags: [
    { name: 'Me', description: 'The calling key' },
    { name: 'Accounts', description: 'Partner accounts (platform only)' },
    { name: 'API keys', description: 'Keys, scopes, rotation and usage' },
    { name: 'Customers', description: 'Borrowers of a partner' },
  ],
};

/** Builds the OpenAPI document of an app. */
export function openApiDocument(app: OpenAPIHono<AppEnv>): Record<string, unknown> {
  return app.getOpenAPI31Document(OPENAPI_INFO) as unknown as Record<string, unknown>;
}

/** `GET /openapi.json` (the reference at `/docs` renders it: see `./docs.ts`). */
export function registerOpenApi(app: OpenAPIHono<AppEnv>) {
  let cached: string | undefined;
  app.get('/openapi.json', (c) => {
    cached ??= JSON.stringify(openApiDocument(app));
    return c.body(cached, 200, { 'content-type': 'application/json; charset=utf-8' });
  });
}
