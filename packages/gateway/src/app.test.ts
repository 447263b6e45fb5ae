import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway, unknownKey } from '../test/support/gateway.js';
import type { Logger } from './logger.js';
import { defineRoute, policyKey, routePolicies } from './routes/define.js';

const ORIGIN = 'https://app.example.com';
const BOOM_MESSAGE = 'connection to 10.1.2.3 refused (password=hunter2)';

let gw: TestGateway;
let partner: Partner;
/** What call sites hand to the logger, before the JSON logger's redaction: an injected logger sees this. */
const rawLogs: string[] = [];

beforeAll(async () => {
  gw = await createTestGateway({ corsOrigins: [ORIGIN] });
  // Routes added after notFound/onError still match in Hono (the router is built on the first request).
  gw.app.get('/boom', () => {
    throw new Error(BOOM_MESSAGE);
  });
  const logger = gw.app.deps.logger as Logger;
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    const write = logger[level];
    logger[level] = (msg, fields) => {
      rawLogs.push(JSON.stringify({ level, msg, ...fields }));
      write(msg, fields);
    };
  }
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

const logLines = () => gw.logs.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('errors', () => {
  it('404 route_not_found as a problem for an unknown route', async () => {
    const res = await gw.request('GET', '/nope', { key: null });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      type: expect.stringContaining('route_not_found'),
      title: 'Route not found',
      status: 404,
      code: 'route_not_found',
      requestId: res.headers.get('x-request-id'),
    });
    expect(res.body.detail).toContain('/nope');
  });

  it('404 route_not_found under /v1 for an authenticated caller', async () => {
    const res = await gw.request('POST', '/v1/no-such-thing', { key: partner.key, body: {} });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('route_not_found');
  });

  it('500 internal_error without the internal message or stack, logged with both', async () => {
    const res = await gw.request('GET', '/boom', { key: null });
    const requestId = res.headers.get('x-request-id')!;
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ code: 'internal_error', status: 500, requestId });
    expect(res.body.detail).toContain(requestId);
    for (const leak of ['hunter2', '10.1.2.3', 'refused', 'at ', '.ts']) expect(res.text).not.toContain(leak);
    expect(Object.keys(res.body).sort()).toEqual(['code', 'detail', 'requestId', 'status', 'title', 'type']);

    const logged = logLines().find((l) => l.msg === 'unhandled error' && l.requestId === requestId);
    expect(logged).toBeDefined();
    expect(logged!.level).toBe('error');
    expect(logged!.error).toBe(`Error: ${BOOM_MESSAGE}`);
    expect(logged!.stack).toContain('app.test.ts');
  });
});

describe('request ids', () => {
  it('are always our own req_ ids: a client-sent one is never echoed nor adopted', async () => {
    for (const given of ['abc-123.x:y_z', 'a'.repeat(128), '0f8e6c1e-4d0b-4b8e-9a51-1f7a1c2b3d4e']) {
      const res = await gw.request('GET', '/v1/me', { key: partner.key, headers: { 'x-request-id': given } });
      expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
      expect(res.text).not.toContain(given);
    }
  });

  it('keeps a UUID or hex client id apart, as clientRequestId in the request log', async () => {
    const given = '0F8E6C1E-4D0B-4B8E-9A51-1F7A1C2B3D4E';
    const res = await gw.request('GET', '/v1/me', { key: partner.key, headers: { 'x-request-id': given } });
    const line = logLines().find((l) => l.msg === 'request' && l.requestId === res.headers.get('x-request-id'));
    expect(line?.clientRequestId).toBe(given.toLowerCase());
  });

  it.each([
    ['with spaces', 'abc 123'],
    ['with quotes and braces', '"},{"level":"error"'],
    ['shaped like an API key', unknownKey()],
    ['an API key without its prefix', unknownKey().slice(8)],
    ['an upper-cased API key', unknownKey().toUpperCase()],
    ['holding an API key', `retry-1-${unknownKey()}`],
  ])('drops one %s: neither echoed nor logged', async (_, given) => {
    const before = gw.logs.length;
    const res = await gw.request('GET', '/v1/me', { key: partner.key, headers: { 'x-request-id': given } });
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(gw.logs.slice(before).join('\n')).not.toContain(given);
  });

  it('generates a different id for each request without one, and puts it in problem bodies', async () => {
    const a = await gw.request('GET', '/v1/me', { key: null });
    const b = await gw.request('GET', '/v1/me', { key: null });
    expect(a.headers.get('x-request-id')).toMatch(/^req_/);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
    expect(a.body.requestId).toBe(a.headers.get('x-request-id'));
  });
});

describe('secure headers and CORS', () => {
  it.each([
    ['a success', '/v1/me', true],
    ['a 401', '/v1/me', false],
    ['a 404', '/nope', false],
  ])('sets secure headers on %s', async (_, path, withKey) => {
    const res = await gw.request('GET', path, withKey ? { key: partner.key } : { key: null });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('allows the configured origin and exposes the headers SDKs read', async () => {
    const res = await gw.request('GET', '/v1/me', { key: partner.key, headers: { origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const exposed = res.headers.get('access-control-expose-headers')!.toLowerCase();
    for (const h of ['x-request-id', 'ratelimit', 'ratelimit-policy', 'retry-after', 'idempotent-replayed', 'etag']) {
      expect(exposed.split(/\s*,\s*/)).toContain(h);
    }
  });

  it('does not allow other origins', async () => {
    for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.net', 'null']) {
      const res = await gw.request('GET', '/v1/me', { key: partner.key, headers: { origin } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('answers a preflight without a key, before authentication', async () => {
    const res = await gw.request('OPTIONS', '/v1/customers', {
      key: null,
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const h of ['authorization', 'content-type', 'idempotency-key', 'lendwire-account'])
      expect(allowed).toContain(h);
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });

  it('gives no CORS grant to a preflight from another origin', async () => {
    const res = await gw.request('OPTIONS', '/v1/customers', {
      key: null,
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('service routes', () => {
  it('GET /healthz answers 200 without a key', async () => {
    const res = await gw.request('GET', '/healthz', { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 with its checks', async () => {
    const res = await gw.request('GET', '/readyz', { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ready',
      checks: { database: { ok: true }, rateLimiter: { ok: true } },
      rateLimiter: { kind: 'memory', failures: 0, failMode: 'open' },
    });
  });

  it('GET /openapi.json is OpenAPI 3.1.0; every /v1 operation names its bearer scopes and 401/403/429', async () => {
    const res = await gw.request('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const operations: string[] = [];
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, op] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        operations.push(name);
        const policy = routePolicies.get(policyKey(method, path.replace(/\{(\w+)\}/g, ':$1')));
        expect(policy, `${name} has no gateway policy`).toBeDefined();
        expect(op.security, name).toEqual([{ bearerAuth: policy!.scopes }]);
        for (const status of ['401', '403', '429']) {
          expect(op.responses[status], `${name} documents ${status}`).toBeDefined();
          expect(Object.keys(op.responses[status].content)).toEqual(['application/problem+json']);
        }
      }
    }
    // Every route the gateway enforces a policy for is documented (and the document is not empty).
    expect(operations.length).toBeGreaterThanOrEqual(routePolicies.size);
    expect(operations).toContain('GET /v1/me');
    expect(operations).toContain('POST /v1/api-keys/{id}/rotate');
  });

  it('every registered /v1 operation has a policy naming its scopes, or saying any valid key', () => {
    const operations = gw.app.routes.filter((r) => r.path.startsWith('/v1/') && r.method !== 'ALL');
    expect(operations.length).toBeGreaterThanOrEqual(15);
    for (const r of operations) {
      const policy = routePolicies.get(policyKey(r.method, r.path));
      expect(policy, `${r.method} ${r.path} has no policy`).toBeDefined();
      expect(policy!.scopes.length > 0 || policy!.anyValidKey, `${r.method} ${r.path} names no scope`).toBe(true);
    }
    const anyKey = operations.filter((r) => routePolicies.get(policyKey(r.method, r.path))!.anyValidKey);
    expect(new Set(anyKey.map((r) => `${r.method} ${r.path}`))).toEqual(new Set(['GET /v1/me']));
  });

  it('defineRoute refuses a policy with no scopes that does not say anyValidKey', () => {
    const route = { method: 'get', path: '/v1/x', responses: {} } as const;
    expect(() => defineRoute(route, { scopes: [] as never })).toThrow(/name its scopes or say anyValidKey/);
  });

  it('GET /docs serves the interactive reference as HTML', async () => {
    const res = await gw.request('GET', '/docs', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text.toLowerCase()).toContain('<html');
    expect(res.text).toContain('/openapi.json');
  });
});

describe('ETags', () => {
  it('GET /v1/me carries a weak ETag and answers 304 to If-None-Match', async () => {
    const first = await gw.request('GET', '/v1/me', { key: partner.key });
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^W\/"[0-9a-f]{32}"$/);
    const again = await gw.request('GET', '/v1/me', { key: partner.key, headers: { 'if-none-match': tag! } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(tag);
    expect(again.headers.get('ratelimit-policy')).toBe(first.headers.get('ratelimit-policy'));
    const stale = await gw.request('GET', '/v1/me', { key: partner.key, headers: { 'if-none-match': 'W/"other"' } });
    expect(stale.status).toBe(200);
  });
});

describe('logs', () => {
  it('write one request line with method, route, status, ms, requestId, keyId and account', async () => {
    const res = await gw.request('GET', '/v1/me', { key: partner.key });
    const requestId = res.headers.get('x-request-id');
    const line = logLines().find((l) => l.msg === 'request' && l.requestId === requestId);
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/v1/me',
      status: 200,
      requestId,
      keyId: partner.keyId,
      account: partner.accountId,
    });
    expect(typeof line!.ms).toBe('number');
    expect(line!.ms as number).toBeGreaterThanOrEqual(0);
  });

  it('log the route pattern, not the path with its ids', async () => {
    const res = await gw.request('GET', '/v1/customers/cus_01jd8x3k5w9q4r7t2m6n0p8s1v', { key: partner.key });
    const requestId = res.headers.get('x-request-id');
    const line = logLines().find((l) => l.msg === 'request' && l.requestId === requestId);
    expect(line).toMatchObject({ route: '/v1/customers/:id', status: 404 });
  });

  it('never contain a secret: keys created, rotated, valid, unknown, malformed, in query strings and headers', async () => {
    const secrets: string[] = [gw.rootKey, partner.key];
    const created = await gw.request('POST', '/v1/api-keys', {
      key: partner.key,
      body: { name: 'ci', scopes: ['customers:read'] },
    });
    expect(created.status).toBe(201);
    secrets.push(created.body.secret);
    const rotated = await gw.request('POST', `/v1/api-keys/${created.body.id}/rotate`, {
      key: partner.key,
      body: { gracePeriodSeconds: 60 },
    });
    expect(rotated.status).toBe(200);
    secrets.push(rotated.body.secret);
    const unknown = unknownKey();
    const malformed = partner.key.slice(0, -1) + (partner.key.endsWith('A') ? 'B' : 'A');
    const truncated = partner.key.slice(0, -3);
    secrets.push(unknown, malformed, truncated);
    const before = gw.logs.length;

    const calls: [string, string, Parameters<TestGateway['request']>[2]][] = [
      ['GET', '/v1/me', { key: created.body.secret }], // old secret, in its grace period
      ['GET', '/v1/me', { key: rotated.body.secret }],
      ['GET', '/v1/me', { key: unknown }],
      ['GET', '/v1/me', { key: malformed }],
      ['GET', '/v1/me', { key: truncated }],
      ['GET', '/v1/me', { key: null, headers: { authorization: `Basic ${partner.key}` } }],
      ['GET', `/v1/me?api_key=${partner.key}`, { key: null }],
      ['GET', `/v1/customers?key=${rotated.body.secret}&limit=1`, { key: partner.key }],
      ['GET', '/v1/me', { key: partner.key, headers: { 'x-request-id': partner.key } }],
      ['GET', '/v1/me', { key: unknown, headers: { 'x-request-id': unknown } }],
      ['GET', `/v1/customers/${partner.key}`, { key: partner.key }],
      ['GET', `/nope/${gw.rootKey}`, { key: gw.rootKey }],
      ['POST', '/v1/customers', { key: partner.key, body: { name: partner.key } }],
      ['POST', '/v1/customers', { key: partner.key, body: { name: 'x' }, headers: { 'idempotency-key': partner.key } }],
      ['GET', '/boom', { key: partner.key, headers: { 'x-request-id': rotated.body.secret } }],
    ];
    for (const [method, path, options] of calls) await gw.request(method, path, options);

    // The calls were logged (so the check below is not vacuous), with their outcomes.
    const written = gw.logs.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(written.filter((l) => l.msg === 'request')).toHaveLength(calls.length);
    expect(written.map((l) => l.status).filter(Boolean)).toEqual(expect.arrayContaining([200, 201, 401, 404, 500]));

    const text = gw.logs.join('\n');
    const raw = rawLogs.join('\n');
    for (const secret of secrets) {
      expect(secret).toMatch(/^lw_test_/);
      // Neither the full key nor its secret part (everything past the 12-character display prefix).
      expect(text).not.toContain(secret.slice(12));
      expect(raw, 'a call site handed a secret to the logger').not.toContain(secret.slice(12));
    }
  });
});
