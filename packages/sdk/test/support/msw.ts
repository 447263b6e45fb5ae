import { generateApiKey } from '@lendwire/contract';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type ClientOptions, Lendwire, type Logger } from '../../src/index.js';

/** Origin the mocked API answers on; nothing real listens there. */
export const BASE_URL = 'https://api.test';
/** A well-formed test key, so the SDK's redaction pattern applies to it as to a real one. */
export const API_KEY = generateApiKey('test');

/**
 * An msw server for one test file: listening before the first test, handlers reset after each,
 * closed at the end. Requests without a handler fail the test instead of going to the network.
 */
export function useMockApi() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** A client on the mocked API with logging off unless asked for. */
export function mockClient(options: ClientOptions = {}): Lendwire {
  return new Lendwire({ apiKey: API_KEY, baseUrl: BASE_URL, logLevel: 'off', ...options });
}

/** An RFC 9457 problem response as the gateway sends it. */
export function problem(
  status: number,
  code: string,
  extra: { detail?: string; requestId?: string; errors?: { path: string; message: string }[] } = {},
  headers: Record<string, string> = {},
): Response {
  return HttpResponse.json(
    {
      type: `https://docs.lendwire.dev/errors#${code}`,
      title: code,
      status,
      detail: extra.detail ?? `detail of ${code}`,
      code,
      ...(extra.requestId ? { requestId: extra.requestId } : {}),
      ...(extra.errors ? { errors: extra.errors } : {}),
    },
    { status, headers: { 'content-type': 'application/problem+json', ...headers } },
  );
}

/** A customer as the API returns it. */
export function customer(id: string, name = `Customer ${id}`) {
  return {
    id,
    object: 'customer' as const,
    name,
    email: null,
    phone: null,
    metadata: {},
    livemode: false,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
  };
}

/** A logger that keeps every line it is given, arguments serialised, for assertions. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write =
    (level: string) =>
    (message: string, ...rest: unknown[]) =>
      lines.push(`${level} ${message} ${rest.map((r) => JSON.stringify(r)).join(' ')}`.trim());
  return { lines, error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}
