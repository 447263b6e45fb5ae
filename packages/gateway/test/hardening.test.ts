import { request as httpRequest } from 'node:http';
import { z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggableError } from '../src/logger.js';
import { ApiError } from '../src/problem.js';
import { defineRoute } from '../src/routes/define.js';
import { jsonBody, jsonResponse } from '../src/routes/params.js';
import { createTestGateway, type HttpGateway, type Partner, type TestGateway, unknownKey } from './support/gateway.js';

/**
 * The gateway as an attacker and a careless integrator probe it (OWASP API Top 10), over real HTTP:
 * bounded validation errors, fail-closed routes, NUL bytes, request ids, duplicate credentials,
 * client-IP junk, rate-limit overrides, strict numbers, CORS preflights and `__proto__`.
 */

let gw: TestGateway;
let http: HttpGateway;
let partner: Partner;
let other: Partner;

/** A route added without `defineRoute` (so without a policy), registered before the router is built. */
const ROGUE_PATH = '/v1/rogue-without-policy';

/** A defined route whose 4xx is larger than the idempotency store keeps. */
const BIG_ERROR_PATH = '/v1/test-big-error';
let bigErrorCalls = 0;
const bigErrorRoute = defineRoute(
  {
    method: 'post',
    path: BIG_ERROR_PATH,
    request: { body: jsonBody(z.object({}).strict()) },
    responses: { 200: jsonResponse(z.object({}), 'Never: it always refuses') },
  },
  { scopes: ['customers:write'] },
);

beforeAll(async () => {
  gw = await createTestGateway();
  gw.app.get(ROGUE_PATH, (c) => c.json({ leaked: true }));
  gw.app.openapi(bigErrorRoute, () => {
    bigErrorCalls++;
    throw new ApiError('unprocessable', `Refused: ${'x'.repeat(6000)}`);
  });
  http = await gw.listen();
  partner = await gw.createPartner({ name: 'Prober' });
  other = await gw.createPartner({ name: 'Bystander' });
});
afterAll(() => gw.close());

const logLines = () => gw.logs.map((line) => JSON.parse(line) as Record<string, unknown>);

/** A JSON body of `n` metadata entries, each value invalid (a number), ~800 KB for 100,000. */
function hugeMetadataBody(n: number): string {
  const entries: string[] = [];
  for (let i = 0; i < n; i++) entries.push(`"${i.toString(36)}":1`);
  return `{"name":"Flood","metadata":{${entries.join(',')}}}`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function timedMe(key: string, times: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    const res = await http.request('GET', '/v1/me', { key });
    out.push(performance.now() - t0);
    expect(res.status).toBe(200);
  }
  return out.sort((a, b) => a - b);
}

describe('validation errors are bounded', () => {
  it('100,000 metadata keys: a 400 under 16 KB, refused by count before the body is parsed', async () => {
    const body = hugeMetadataBody(100_000);
    expect(body.length).toBeGreaterThan(750_000);
    const res = await http.request('POST', '/v1/customers', { key: partner.key, rawBody: body });
    expect(res.status).toBe(400);
    expect(res.text.length).toBeLessThan(16 * 1024);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors).toEqual([{ path: 'body.metadata', message: 'has too many entries (at most 1000)' }]);
  });

  it('999 metadata keys: the schema counts them before checking any (one error, not 999)', async () => {
    const res = await http.request('POST', '/v1/customers', { key: partner.key, rawBody: hugeMetadataBody(999) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body.metadata', message: 'at most 50 metadata keys' }]);
  });

  it('bodies nested too deeply, or holding too many values in all, are refused before parsing', async () => {
    const deep = await http.request('POST', '/v1/customers', {
      key: partner.key,
      rawBody: `{"name":"A","metadata":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    });
    expect(deep.status).toBe(400);
    expect(deep.body.errors[0].message).toContain('nested too deeply');
    const rows = Array.from({ length: 20 }, () => `[${Array(900).fill(1).join(',')}]`).join(',');
    const many = await http.request('POST', '/v1/customers', {
      key: partner.key,
      rawBody: `{"name":"A","metadata":[${rows}]}`,
    });
    expect(many.status).toBe(400);
    expect(many.body.errors[0]).toEqual({ path: 'body', message: 'holds too many values (at most 10000)' });
  });

  it('unknown top-level fields: one short error, naming the first few', async () => {
    const fields: string[] = [];
    for (let i = 0; i < 900; i++) fields.push(`"f${i.toString(36)}${'x'.repeat(50)}":1`);
    const res = await http.request('POST', '/v1/customers', {
      key: partner.key,
      rawBody: `{"name":"A",${fields.join(',')}}`,
    });
    expect(res.status).toBe(400);
    expect(res.text.length).toBeLessThan(4 * 1024);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].message).toMatch(/^Unrecognized keys: "f0x+…", "f1x+…", "f2x+…" and 897 more$/);
  });

  it('lists at most 20 field errors, counts the rest in errorsOmitted, and keeps detail short', async () => {
    const metadata: Record<string, string> = {};
    for (let i = 0; i < 50; i++) metadata[`k${i}`] = 'v'.repeat(501);
    const res = await http.request('POST', '/v1/customers', { key: partner.key, body: { name: 'A', metadata } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(20);
    expect(res.body.errorsOmitted).toBe(30);
    expect(res.body.detail.length).toBeLessThanOrEqual(600);
    expect(res.body.detail).toMatch(/^50 invalid fields: body\.metadata\.k0 /);
    expect(res.body.detail).toContain('and 47 more in errors[]');
  });

  it('with an Idempotency-Key the flood’s 400 is not stored (the request never started)', async () => {
    const headers = { 'idempotency-key': 'flood-1' };
    const first = await http.request('POST', '/v1/customers', {
      key: partner.key,
      rawBody: hugeMetadataBody(100_000),
      headers,
    });
    expect(first.status).toBe(400);
    const fixed = await http.request('POST', '/v1/customers', { key: partner.key, body: { name: 'Ok' }, headers });
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a 4xx larger than 4 KB is never stored for replay: the retry runs again', async () => {
    const headers = { 'idempotency-key': 'big-error-1' };
    const before = bigErrorCalls;
    const first = await http.request('POST', BIG_ERROR_PATH, { key: partner.key, body: {}, headers });
    const second = await http.request('POST', BIG_ERROR_PATH, { key: partner.key, body: {}, headers });
    expect([first.status, second.status]).toEqual([422, 422]);
    expect(first.text.length).toBeGreaterThan(4096);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(bigErrorCalls - before).toBe(2);
  });

  it('50 floods at once from one key leave another tenant served (p99 reported, not asserted)', async () => {
    await timedMe(other.key, 20); // warm up
    const idle = await timedMe(other.key, 200);
    const body = hugeMetadataBody(100_000);
    let floodDone = false;
    const flood = Promise.all(
      Array.from({ length: 50 }, () =>
        http.request('POST', '/v1/customers', { key: partner.key, rawBody: body }).then((r) => r.status),
      ),
    ).finally(() => {
      floodDone = true;
    });
    const loaded: number[] = [];
    while (!floodDone) loaded.push(...(await timedMe(other.key, 5)));
    const statuses = await flood;
    expect(new Set(statuses)).toEqual(new Set([400]));
    loaded.sort((a, b) => a - b);
    console.log(
      `[lendwire] GET /v1/me of another tenant: idle p50 ${percentile(idle, 50).toFixed(2)} ms, p99 ${percentile(idle, 99).toFixed(2)} ms; ` +
        `during 50 concurrent 800 KB floods p50 ${percentile(loaded, 50).toFixed(2)} ms, p99 ${percentile(loaded, 99).toFixed(2)} ms (${loaded.length} requests)`,
    );
    expect(loaded.length).toBeGreaterThan(0);
  });
});

describe('routes fail closed', () => {
  it('a route declared without defineRoute is refused with a logged 500, even to an all-scope key', async () => {
    const res = await http.request('GET', ROGUE_PATH, { key: gw.rootKey });
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('internal_error');
    expect(res.text).not.toContain('leaked');
    const line = logLines().find(
      (l) => l.msg === 'route without a policy refused' && l.requestId === res.headers.get('x-request-id'),
    );
    expect(line).toMatchObject({ level: 'error', route: ROGUE_PATH });
  });

  it('an unknown /v1 path is still a 404 (not a 500)', async () => {
    const res = await http.request('GET', '/v1/no-such-route', { key: partner.key });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('route_not_found');
  });
});

describe('NUL bytes are refused where input enters, and errors are logged without data', () => {
  it.each([
    ['/v1/customers/cus_x%00', 'path.id'],
    ['/v1/api-keys/key_x%00/usage', 'path.id'],
    ['/v1/accounts/acct_%00', 'path.id'],
    ['/v1/customers?startingAfter=cus_x%00', 'query.startingAfter'],
    ['/v1/customers?limit=1%00', 'query.limit'],
  ])('GET %s → 400 naming %s', async (path, field) => {
    const res = await http.request('GET', path, {
      key: gw.rootKey,
      headers: { 'lendwire-account': partner.accountId },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors[0].path).toBe(field);
  });

  it.each([
    [{ name: 'Ada\u0000Obi' }, 'body.name'],
    [{ name: 'Ada', metadata: { note: 'x\u0000' } }, 'body.metadata.note'],
    [{ name: 'Ada', metadata: { 'k\u0000': 'x' } }, 'body.metadata.k\\0'],
    [{ name: 'Ada', email: 'ada\u0000@example.com' }, 'body.email'],
  ])('POST /v1/customers %j → 400 naming the field, nothing stored', async (body, field) => {
    const res = await http.request('POST', '/v1/customers', { key: partner.key, body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toEqual({ path: field, message: expect.stringContaining('NUL') });
  });

  it('PATCH with NUL in a body string is a 400 too', async () => {
    const created = await http.request('POST', '/v1/customers', { key: partner.key, body: { name: 'Ngozi' } });
    const res = await http.request('PATCH', `/v1/customers/${created.body.id}`, {
      key: partner.key,
      body: { name: 'N\u0000' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.name');
  });

  it('no request above reached the database: no 500, no unhandled error logged', () => {
    expect(logLines().filter((l) => l.msg === 'unhandled error')).toEqual([]);
  });

  it('a real database error is logged with its SQL and SQLSTATE, never its parameters', async () => {
    const secretName = 'Chiamaka Secretperson';
    const secretEmail = 'chiamaka.secret@example.com';
    let caught: unknown;
    try {
      // Straight to the service, past the gateway's guard: Postgres refuses the NUL itself.
      await gw.services.customers.create(
        { accountId: partner.accountId, livemode: false },
        { name: `${secretName}\u0000`, email: secretEmail, metadata: { vip: secretName } },
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    // The raw error does carry the data; the logged form must not.
    expect(`${(caught as Error).message}`).toContain(secretEmail);
    const fields = loggableError(caught);
    const line = JSON.stringify(fields);
    for (const leak of [secretName, secretEmail, 'Chiamaka']) expect(line).not.toContain(leak);
    expect(fields.error).toMatch(/^database error/);
    expect(String(fields.query)).toMatch(/insert into "customers"/i);
    expect(String(fields.stack)).toMatch(/^\s+at /);
  });
});

describe('request ids', () => {
  it('X-Request-Id is always ours; a key-like value sent as one is neither echoed nor logged', async () => {
    const key = unknownKey();
    for (const given of [key, key.slice(8), key.toUpperCase(), 'req_0123456789abcdef0123456789abcdef']) {
      const before = gw.logs.length;
      const res = await http.request('GET', '/v1/me', { key: partner.key, headers: { 'x-request-id': given } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
      expect(res.headers.get('x-request-id')).not.toBe(given);
      expect(gw.logs.slice(before).join('\n')).not.toContain(given);
    }
  });
});

/** Sends raw header lines (Node's http client sends an array value as repeated lines). */
function rawGet(path: string, headers: Record<string, string | string[]>) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = httpRequest(`${http.url}${path}`, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('credentials', () => {
  it('two Authorization headers are a 400, whichever comes first', async () => {
    for (const pair of [
      [`Bearer ${partner.key}`, `Bearer ${unknownKey()}`],
      [`Bearer ${unknownKey()}`, `Bearer ${partner.key}`],
    ]) {
      const res = await rawGet('/v1/me', { authorization: pair });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_header');
      expect(res.body.detail).toContain('one Authorization header');
    }
  });

  it('two keys folded into one Authorization line are a 400 too', async () => {
    const res = await http.request('GET', '/v1/me', {
      key: null,
      headers: { authorization: `Bearer ${partner.key}, Bearer ${unknownKey()}` },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_header');
  });

  it('a platform key with keys:write but not accounts:admin cannot set a per-key rateLimit', async () => {
    const keysOnly = await gw.createKey(gw.platformId, { scopes: ['keys:write'] });
    const rateLimit = { requests: 1_000_000, windowSeconds: 1 };
    for (const headers of [{}, { 'lendwire-account': partner.accountId }] as Record<string, string>[]) {
      const res = await http.request('POST', '/v1/api-keys', {
        key: keysOnly.secret,
        headers,
        body: { name: 'fast', scopes: ['keys:write'], rateLimit },
      });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'insufficient_scope', requiredScope: 'accounts:admin' });
    }
    const byPartner = await http.request('POST', '/v1/api-keys', {
      key: partner.key,
      body: { name: 'fast', scopes: ['customers:read'], rateLimit },
    });
    expect(byPartner.status).toBe(403);
    const byAdmin = await http.request('POST', '/v1/api-keys', {
      key: gw.rootKey,
      headers: { 'lendwire-account': partner.accountId },
      body: { name: 'fast', scopes: ['customers:read'], rateLimit: { requests: 100, windowSeconds: 60 } },
    });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.rateLimit).toEqual({ requests: 100, windowSeconds: 60 });
  });
});

describe('client IP header (LENDWIRE_CLIENT_IP_HEADER)', () => {
  it('a value that is not an IP is no address: never echoed, and junk shares one failed-auth budget', async () => {
    const tight = await createTestGateway({ unauthenticatedLimit: { requests: 5, windowSeconds: 60 } });
    try {
      const server = await tight.listen();
      const account = await tight.createPartner();
      const allowlisted = await tight.createKey(account.accountId, { ipAllowlist: ['203.0.113.0/24'] });
      const refused = await server.request('GET', '/v1/me', { key: allowlisted.secret, ip: '<script>x</script>' });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('ip_not_allowed');
      expect(refused.text).not.toContain('script');
      expect(refused.body.detail).toContain('an unknown address');
      const allowed = await server.request('GET', '/v1/me', { key: allowlisted.secret, ip: '10.0.0.1, 203.0.113.9' });
      expect(allowed.status).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const junk = `junk-${i}-${'x'.repeat(7000)}`;
        const res = await server.request('GET', '/v1/me', { key: unknownKey(), ip: junk });
        statuses.push(res.status);
        expect(res.text).not.toContain('junk');
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    } finally {
      await tight.close();
    }
  });
});

describe('smaller strictness', () => {
  it.each(['0x10', '1e2', ' 20', '+5', '20.0', '0', '101', ''])('limit=%j is a 400', async (limit) => {
    const res = await http.request('GET', `/v1/customers?limit=${encodeURIComponent(limit)}`, { key: partner.key });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('query.limit');
  });

  it('limit=7 (decimal) is accepted', async () => {
    const res = await http.request('GET', '/v1/customers?limit=7', { key: partner.key });
    expect(res.status).toBe(200);
  });

  it('startingAfter must be an id', async () => {
    const res = await http.request('GET', '/v1/customers?startingAfter=anything', { key: partner.key });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('query.startingAfter');
  });

  it('a CORS preflight advertises only the methods the path has', async () => {
    const cors = await createTestGateway({ corsOrigins: ['https://app.example.com'] });
    try {
      const server = await cors.listen();
      const preflight = (path: string) =>
        fetch(`${server.url}${path}`, {
          method: 'OPTIONS',
          headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
        });
      const list = await preflight('/v1/customers');
      expect(list.headers.get('access-control-allow-methods')).toBe('GET,POST,OPTIONS');
      const one = await preflight('/v1/customers/cus_01jd8x3k5w9q4r7t2m6n0p8s1v');
      expect(one.headers.get('access-control-allow-methods')).toBe('GET,PATCH,OPTIONS');
    } finally {
      await cors.close();
    }
  });

  it('__proto__ is a 400 inside metadata as at the top level', async () => {
    const nested = await http.request('POST', '/v1/customers', {
      key: partner.key,
      rawBody: '{"name":"A","metadata":{"__proto__":"x","ok":"y"}}',
    });
    expect(nested.status).toBe(400);
    expect(nested.body.errors[0].path).toBe('body.metadata.__proto__');
    const top = await http.request('POST', '/v1/customers', {
      key: partner.key,
      rawBody: '{"name":"A","__proto__":{}}',
    });
    expect(top.status).toBe(400);
  });
});

describe('failed authentication is throttled before any lookup (over HTTP)', () => {
  it('a flood of distinct unknown keys from one address costs no key lookup once over budget', async () => {
    const tight = await createTestGateway({ unauthenticatedLimit: { requests: 5, windowSeconds: 60 } });
    try {
      const server = await tight.listen();
      const original = tight.services.apiKeys.authenticate;
      let lookups = 0;
      tight.services.apiKeys.authenticate = (hash) => {
        lookups++;
        return original.call(tight.services.apiKeys, hash);
      };
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        statuses.push((await server.request('GET', '/v1/me', { key: unknownKey(), ip: '192.0.2.77' })).status);
      }
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(35);
      expect(lookups).toBe(6); // 5 within the budget, and the one that crossed it
      // The valid key of a client elsewhere is unaffected.
      expect((await server.request('GET', '/v1/me', { ip: '192.0.2.78' })).status).toBe(200);
    } finally {
      await tight.close();
    }
  });
});
