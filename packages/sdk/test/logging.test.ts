import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { APIConnectionError, APIConnectionTimeoutError, Lendwire, type LogLevel, redactSecrets } from '../src/index.js';
import { API_KEY, BASE_URL, captureLogger, mockClient, problem, useMockApi } from './support/msw.js';

const server = useMockApi();

afterEach(() => {
  vi.unstubAllEnvs();
});

const ok = () => HttpResponse.json({ object: 'me' }, { headers: { 'X-Request-Id': 'req_1' } });

/** True when `secret` can be found anywhere in `value`: strings, Headers, Requests, causes, own properties. */
function holdsSecret(value: unknown, secret: string, seen = new Set<unknown>()): boolean {
  if (typeof value === 'string') return value.includes(secret);
  if (value === null || typeof value !== 'object' || seen.has(value)) return false;
  seen.add(value);
  if (value instanceof Headers) return [...value.values()].some((v) => v.includes(secret));
  if (value instanceof Request) return holdsSecret(value.headers, secret, seen) || value.url.includes(secret);
  const nested = [
    ...Object.values(value),
    (value as { cause?: unknown }).cause,
    (value as { message?: unknown }).message,
  ];
  return nested.some((v) => holdsSecret(v, secret, seen));
}

describe('debug logging', () => {
  it('logs each attempt and its outcome with Authorization masked', async () => {
    server.use(http.get(`${BASE_URL}/v1/me`, ok));
    const logger = captureLogger();
    await mockClient({ logger, logLevel: 'debug' }).me.retrieve();
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[0]).toMatch(/^debug GET \/v1\/me attempt 1 /);
    expect(logger.lines[0]).toMatch(/"authorization":"\*\*\*"/i);
    expect(logger.lines[1]).toBe('debug GET /v1/me → 200 {"requestId":"req_1"}');
    expect(logger.lines.join('\n')).not.toContain(API_KEY);
  });

  it('never logs the key across retries and a final error', async () => {
    server.use(
      http.post(`${BASE_URL}/v1/customers`, () => problem(503, 'service_unavailable', {}, { 'Retry-After': '0' })),
    );
    const logger = captureLogger();
    await expect(mockClient({ logger, logLevel: 'debug' }).customers.create({ name: 'A' })).rejects.toThrow();
    expect(logger.lines.filter((l) => l.startsWith('info '))).toHaveLength(2);
    expect(logger.lines.at(-1)).toContain('→ 503 service_unavailable');
    expect(logger.lines.join('\n')).not.toContain(API_KEY);
  });

  it('redacts a key in an error body the server echoes back', async () => {
    server.use(
      http.get(`${BASE_URL}/v1/me`, () =>
        problem(401, 'api_key_invalid', { detail: `No API key matches ${API_KEY}` }, { 'X-Echo': API_KEY }),
      ),
    );
    const logger = captureLogger();
    const error = await mockClient({ logger, logLevel: 'debug' })
      .me.retrieve()
      .catch((e: unknown) => e);
    // The caller gets the server's words; only logs are scrubbed.
    expect((error as Error).message).not.toContain(API_KEY);
    const log = logger.lines.join('\n');
    expect(log).toContain('api_key_invalid');
    expect(log).not.toContain(API_KEY);
  });

  it('redacts a key that ends up in a path or a header value', async () => {
    server.use(http.get(`${BASE_URL}/v1/customers/:id`, () => problem(404, 'not_found')));
    const logger = captureLogger();
    const client = mockClient({ logger, logLevel: 'debug', defaultHeaders: { 'X-Debug-Key': API_KEY } });
    await expect(client.customers.retrieve(API_KEY, { maxRetries: 0 })).rejects.toThrow();
    const log = logger.lines.join('\n');
    expect(log).toContain(`${API_KEY.slice(0, 8)}***`);
    expect(log).not.toContain(API_KEY);
  });

  it('keeps the key out of connection and timeout errors and their causes', async () => {
    server.use(http.get(`${BASE_URL}/v1/me`, () => HttpResponse.error()));
    const connection = await mockClient({ maxRetries: 0 })
      .me.retrieve()
      .catch((e: unknown) => e);
    expect(connection).toBeInstanceOf(APIConnectionError);
    expect((connection as Error).cause).toBeDefined();
    expect(holdsSecret(connection, API_KEY)).toBe(false);

    server.use(
      http.get(`${BASE_URL}/v1/me`, async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return ok();
      }),
    );
    const timeout = await mockClient({ maxRetries: 0, timeout: 20 })
      .me.retrieve()
      .catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(APIConnectionTimeoutError);
    expect(holdsSecret(timeout, API_KEY)).toBe(false);
  });

  it('holdsSecret finds a key inside a Request in a cause chain', () => {
    const request = new Request(BASE_URL, { headers: { Authorization: `Bearer ${API_KEY}` } });
    const error = new Error('outer', { cause: Object.assign(new Error('inner'), { request }) });
    expect(holdsSecret(error, API_KEY)).toBe(true);
  });
});

describe('log levels', () => {
  const alwaysUnavailable = () =>
    server.use(http.get(`${BASE_URL}/v1/me`, () => problem(503, 'service_unavailable', {}, { 'Retry-After': '0' })));

  // Three attempts: each logs at debug, the two retries at info, the final 503 at debug.
  it.each([
    ['off', []],
    ['error', []],
    ['warn', []],
    ['info', ['info', 'info']],
    ['debug', ['debug', 'info', 'debug', 'info', 'debug', 'debug']],
  ] as [LogLevel, string[]][])('at %s passes on %j', async (logLevel, levels) => {
    alwaysUnavailable();
    const logger = captureLogger();
    await expect(mockClient({ logger, logLevel }).me.retrieve()).rejects.toThrow();
    expect(logger.lines.map((l) => l.split(' ')[0])).toEqual(levels);
  });

  it('is warn by default, so retries are not logged', async () => {
    alwaysUnavailable();
    const logger = captureLogger();
    await expect(new Lendwire({ apiKey: API_KEY, baseUrl: BASE_URL, logger }).me.retrieve()).rejects.toThrow();
    expect(logger.lines).toEqual([]);
  });

  it('takes the level from LENDWIRE_LOG', async () => {
    vi.stubEnv('LENDWIRE_LOG', 'debug');
    server.use(http.get(`${BASE_URL}/v1/me`, ok));
    const logger = captureLogger();
    await new Lendwire({ apiKey: API_KEY, baseUrl: BASE_URL, logger }).me.retrieve();
    expect(logger.lines).toHaveLength(2);
  });

  it('ignores an unknown LENDWIRE_LOG value', async () => {
    vi.stubEnv('LENDWIRE_LOG', 'verbose');
    server.use(http.get(`${BASE_URL}/v1/me`, ok));
    const logger = captureLogger();
    await new Lendwire({ apiKey: API_KEY, baseUrl: BASE_URL, logger }).me.retrieve();
    expect(logger.lines).toEqual([]);
  });
});

describe('redactSecrets', () => {
  it('masks live and test keys and webhook secrets, keeping their prefix', () => {
    const live = API_KEY.replace('lw_test_', 'lw_live_');
    expect(redactSecrets(`keys ${API_KEY} and ${live}`)).toBe('keys lw_test_*** and lw_live_***');
    expect(redactSecrets('secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw=')).toBe('secret whsec_Mf***');
  });

  it('leaves text without secrets alone', () => {
    expect(redactSecrets('GET /v1/customers/cus_01jd8x3k5w9q4r7t2m6n0p8s1v')).toBe(
      'GET /v1/customers/cus_01jd8x3k5w9q4r7t2m6n0p8s1v',
    );
  });
});
