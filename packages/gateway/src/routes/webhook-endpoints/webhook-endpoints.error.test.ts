import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';

/** Allows private networks, as tests with a local receiver need. */
let gw: TestGateway;
/** The production default: private and loopback URLs are refused. */
let strict: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway({ webhooks: { allowPrivateNetworks: true } });
  strict = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(async () => {
  await gw.close();
  await strict.close();
});

const WELL_FORMED_ENDPOINT = 'we_01jd8x3k5w9q4r7t2m6n0p8s1v';
const WELL_FORMED_DELIVERY = 'msg_01jd8x3k5w9q4r7t2m6n0p8s1v';
/** A public address literal, so no DNS is needed. */
const PUBLIC_URL = 'https://93.184.216.34/hooks';

async function createEndpoint(g: TestGateway, p: Partner, body: Record<string, unknown>) {
  const res = await g.request('POST', '/v1/webhook-endpoints', { key: p.key, body });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; secret: string };
}

async function endpointCount(g: TestGateway, p: Partner) {
  return (await g.request('GET', '/v1/webhook-endpoints?limit=100', { key: p.key })).body.data.length as number;
}

describe('webhook endpoints: bad input on create', () => {
  it.each([
    ['not a url'],
    ['/relative/path'],
    ['ftp://example.com/hooks'],
    ['javascript:alert(1)'],
    ['file:///etc/passwd'],
    ['https://user:pass@example.com/hooks'],
    ['https://user@example.com/hooks'],
    [`https://example.com/${'a'.repeat(2100)}`],
  ])('400 validation_failed for url %s', async (url) => {
    const p = await gw.createPartner();
    const res = await gw.request('POST', '/v1/webhook-endpoints', { key: p.key, body: { url, enabledEvents: ['*'] } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors[0].path).toBe('body.url');
    expect(await endpointCount(gw, p)).toBe(0);
  });

  it.each([
    [[], 'empty'],
    [['loan.'], 'trailing dot'],
    [['LOAN.*'], 'upper case'],
    [['*.created'], 'wildcard first'],
    [['loan.*.x'], 'wildcard in the middle'],
    [['loan'], 'no dot'],
    [['loan.disbursed', ''], 'an empty one'],
    [[42], 'not a string'],
    ['*', 'not an array'],
    [Array.from({ length: 101 }, () => 'loan.*'), 'too many'],
  ])('400 for enabledEvents %j (%s)', async (enabledEvents, _why) => {
    const res = await gw.request('POST', '/v1/webhook-endpoints', {
      key: partner.key,
      body: { url: PUBLIC_URL, enabledEvents },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toMatch(/^body\.enabledEvents/);
  });

  it.each([
    [{ url: PUBLIC_URL, enabledEvents: ['*'], secret: 'whsec_mine' }, 'secret'],
    [{ url: PUBLIC_URL, enabledEvents: ['*'], status: 'disabled' }, 'status'],
    [{ url: PUBLIC_URL, enabledEvents: ['*'], events: ['*'] }, 'events'],
  ])('400 for an unknown field in %j, naming %s', async (body, field) => {
    const res = await gw.request('POST', '/v1/webhook-endpoints', { key: partner.key, body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(JSON.stringify(res.body.errors)).toContain(field);
  });

  it.each([
    [{ enabledEvents: ['*'] }, 'body.url'],
    [{ url: PUBLIC_URL }, 'body.enabledEvents'],
    [{ url: PUBLIC_URL, enabledEvents: ['*'], throttleRate: 0 }, 'body.throttleRate'],
    [{ url: PUBLIC_URL, enabledEvents: ['*'], throttleRate: 1.5 }, 'body.throttleRate'],
    [{ url: PUBLIC_URL, enabledEvents: ['*'], throttleRate: 1001 }, 'body.throttleRate'],
    [{ url: PUBLIC_URL, enabledEvents: ['*'], description: 'd'.repeat(501) }, 'body.description'],
  ])('400 for %j naming %s', async (body, path) => {
    const res = await gw.request('POST', '/v1/webhook-endpoints', { key: partner.key, body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe(path);
  });

  it('400 for malformed JSON', async () => {
    const res = await gw.request('POST', '/v1/webhook-endpoints', { key: partner.key, rawBody: '{"url":' });
    expect(res.status).toBe(400);
  });
});

describe('webhook endpoints: SSRF guard without the private-network allowance', () => {
  it.each([
    ['http://127.0.0.1:8080/hooks'],
    ['http://localhost/hooks'],
    ['http://[::1]/hooks'],
    ['http://10.1.2.3/hooks'],
    ['http://192.168.1.10/hooks'],
    ['http://172.16.0.1/hooks'],
    ['http://169.254.169.254/latest/meta-data'],
    ['http://100.64.0.1/hooks'],
    ['http://0.0.0.0/hooks'],
    ['http://[fd00::1]/hooks'],
  ])('422 for %s, and nothing is created', async (url) => {
    const p = await strict.createPartner();
    const res = await strict.request('POST', '/v1/webhook-endpoints', {
      key: p.key,
      body: { url, enabledEvents: ['*'] },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain('url cannot receive webhooks');
    expect(await endpointCount(strict, p)).toBe(0);
  });

  it('422 when a PATCH moves an endpoint to a private address; the URL is unchanged', async () => {
    const p = await strict.createPartner();
    const ep = await createEndpoint(strict, p, { url: PUBLIC_URL, enabledEvents: ['*'] });
    const res = await strict.request('PATCH', `/v1/webhook-endpoints/${ep.id}`, {
      key: p.key,
      body: { url: 'http://127.0.0.1:9/hooks' },
    });
    expect(res.status).toBe(422);
    expect((await strict.request('GET', `/v1/webhook-endpoints/${ep.id}`, { key: p.key })).body.url).toBe(PUBLIC_URL);
  });

  it('the same loopback URL is accepted where private networks are allowed', async () => {
    const p = await gw.createPartner();
    await createEndpoint(gw, p, { url: 'http://127.0.0.1:8080/hooks', enabledEvents: ['*'] });
  });
});

describe('webhook endpoints: limits and state', () => {
  it('422 for a 21st endpoint of a mode; a live one still fits, and deleting frees a place', async () => {
    const p = await gw.createPartner();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push((await createEndpoint(gw, p, { url: `https://93.184.216.34/hooks/${i}`, enabledEvents: ['*'] })).id);
    }
    const over = await gw.request('POST', '/v1/webhook-endpoints', {
      key: p.key,
      body: { url: PUBLIC_URL, enabledEvents: ['*'] },
    });
    expect(over.status).toBe(422);
    expect(over.body.detail).toContain('at most 20');
    expect(await endpointCount(gw, p)).toBe(20);

    const live = await gw.createKey(p.accountId, { name: 'live' }, true);
    const liveRes = await gw.request('POST', '/v1/webhook-endpoints', {
      key: live.secret,
      body: { url: PUBLIC_URL, enabledEvents: ['*'] },
    });
    expect(liveRes.status).toBe(201);

    expect((await gw.request('DELETE', `/v1/webhook-endpoints/${ids[0]}`, { key: p.key })).status).toBe(200);
    await createEndpoint(gw, p, { url: PUBLIC_URL, enabledEvents: ['*'] });
  });

  it('409 state_conflict when retrying a delivery whose endpoint was deleted', async () => {
    const p = await gw.createPartner();
    const ep = await createEndpoint(gw, p, { url: PUBLIC_URL, enabledEvents: ['*'] });
    const test = await gw.request('POST', `/v1/webhook-endpoints/${ep.id}/test`, {
      key: p.key,
      body: { eventType: 'loan.disbursed' },
    });
    expect(test.status).toBe(202);
    expect((await gw.request('DELETE', `/v1/webhook-endpoints/${ep.id}`, { key: p.key })).status).toBe(200);
    const res = await gw.request('POST', `/v1/webhook-deliveries/${test.body.id}/retry`, { key: p.key });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('state_conflict');
    const after = await gw.request('GET', `/v1/webhook-deliveries/${test.body.id}`, { key: p.key });
    expect(after.body).toMatchObject({ status: 'failed', nextAttemptAt: null });
  });
});

describe('webhook endpoints: replay of a disabled endpoint', () => {
  it('409 state_conflict for retry and recover while the endpoint is disabled; nothing is re-queued', async () => {
    const p = await gw.createPartner();
    const ep = await createEndpoint(gw, p, { url: PUBLIC_URL, enabledEvents: ['*'] });
    const test = await gw.request('POST', `/v1/webhook-endpoints/${ep.id}/test`, {
      key: p.key,
      body: { eventType: 'loan.disbursed' },
    });
    expect(test.status).toBe(202);
    const off = await gw.request('PATCH', `/v1/webhook-endpoints/${ep.id}`, {
      key: p.key,
      body: { status: 'disabled' },
    });
    expect(off.status).toBe(200);
    const retry = await gw.request('POST', `/v1/webhook-deliveries/${test.body.id}/retry`, { key: p.key });
    expect(retry.status).toBe(409);
    expect(retry.body.code).toBe('state_conflict');
    const recover = await gw.request('POST', `/v1/webhook-endpoints/${ep.id}/recover`, {
      key: p.key,
      body: { since: '2020-01-01T00:00:00Z' },
    });
    expect(recover.status).toBe(409);
    expect(recover.body.code).toBe('state_conflict');
  });
});

describe('webhook endpoints: bad input on the other routes', () => {
  let ep: { id: string };
  beforeAll(async () => {
    ep = await createEndpoint(gw, partner, { url: PUBLIC_URL, enabledEvents: ['*'] });
  });

  it.each([
    [{ url: 'ftp://example.com/' }, 'body.url'],
    [{ url: 'https://a:b@example.com/' }, 'body.url'],
    [{ enabledEvents: [] }, 'body.enabledEvents'],
    [{ enabledEvents: ['bad pattern'] }, 'body.enabledEvents.0'],
    [{ status: 'paused' }, 'body.status'],
    [{ throttleRate: -1 }, 'body.throttleRate'],
  ])('PATCH 400 for %j naming %s, and nothing changes', async (body, path) => {
    const res = await gw.request('PATCH', `/v1/webhook-endpoints/${ep.id}`, { key: partner.key, body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe(path);
    const got = await gw.request('GET', `/v1/webhook-endpoints/${ep.id}`, { key: partner.key });
    expect(got.body).toMatchObject({ url: PUBLIC_URL, enabledEvents: ['*'], status: 'enabled', throttleRate: null });
  });

  it.each([
    ['PATCH', '', { disabledReason: 'manual' }],
    ['POST', '/rotate-secret', { gracePeriodSeconds: 60, secret: 'whsec_x' }],
    ['POST', '/test', { eventType: 'loan.disbursed', data: {} }],
    ['POST', '/recover', { since: '2026-01-01T00:00:00Z', status: 'failed' }],
  ])('%s %s: 400 for an unknown field', async (method, suffix, body) => {
    const res = await gw.request(method, `/v1/webhook-endpoints/${ep.id}${suffix}`, { key: partner.key, body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it.each([
    [{ gracePeriodSeconds: -1 }],
    [{ gracePeriodSeconds: 7 * 86_400 + 1 }],
    [{ gracePeriodSeconds: 1.5 }],
    [{ gracePeriodSeconds: '60' }],
  ])('rotate-secret 400 for %j, and the secret is unchanged', async (body) => {
    const res = await gw.request('POST', `/v1/webhook-endpoints/${ep.id}/rotate-secret`, { key: partner.key, body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.gracePeriodSeconds');
    const got = await gw.request('GET', `/v1/webhook-endpoints/${ep.id}`, { key: partner.key });
    expect(got.body.previousSecretExpiresAt).toBeNull();
  });

  it.each([[{}], [{ eventType: 'loan' }], [{ eventType: 'Loan.Disbursed' }], [{ eventType: 'loan.*' }]])(
    'test 400 for %j, and nothing is queued',
    async (body) => {
      const res = await gw.request('POST', `/v1/webhook-endpoints/${ep.id}/test`, { key: partner.key, body });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe('body.eventType');
      const log = await gw.request('GET', `/v1/webhook-endpoints/${ep.id}/deliveries`, { key: partner.key });
      expect(log.body.data).toEqual([]);
    },
  );

  it.each([[{}], [{ since: 'yesterday' }], [{ since: 1_700_000_000 }]])('recover 400 for %j', async (body) => {
    const res = await gw.request('POST', `/v1/webhook-endpoints/${ep.id}/recover`, { key: partner.key, body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.since');
  });

  it.each([['?status=delivered'], ['?limit=0'], ['?limit=101'], ['?startingAfter=nope']])(
    'deliveries 400 for %s',
    async (query) => {
      const res = await gw.request('GET', `/v1/webhook-endpoints/${ep.id}/deliveries${query}`, { key: partner.key });
      expect(res.status).toBe(400);
    },
  );

  it.each([
    ['GET', '/v1/webhook-endpoints/nope'],
    ['GET', '/v1/webhook-endpoints/cus_01jd8x3k5w9q4r7t2m6n0p8s1v'],
    ['PATCH', `/v1/webhook-endpoints/${WELL_FORMED_DELIVERY}`],
    ['DELETE', '/v1/webhook-endpoints/we_'],
    ['POST', '/v1/webhook-endpoints/we_x/rotate-secret'],
    ['POST', '/v1/webhook-endpoints/123/test'],
    ['POST', '/v1/webhook-endpoints/we%20x/recover'],
    ['GET', '/v1/webhook-endpoints/bad/deliveries'],
    ['GET', `/v1/webhook-deliveries/${WELL_FORMED_ENDPOINT}`],
    ['POST', '/v1/webhook-deliveries/msg_x/retry'],
  ])('%s %s: 400 for a malformed id', async (method, path) => {
    const body = method === 'GET' || method === 'DELETE' ? undefined : {};
    const res = await gw.request(method, path, { key: partner.key, body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('path.id');
  });

  it.each([
    ['GET', `/v1/webhook-endpoints/${WELL_FORMED_ENDPOINT}`, undefined],
    ['PATCH', `/v1/webhook-endpoints/${WELL_FORMED_ENDPOINT}`, { description: 'x' }],
    ['DELETE', `/v1/webhook-endpoints/${WELL_FORMED_ENDPOINT}`, undefined],
    ['POST', `/v1/webhook-endpoints/${WELL_FORMED_ENDPOINT}/rotate-secret`, {}],
    ['POST', `/v1/webhook-endpoints/${WELL_FORMED_ENDPOINT}/test`, { eventType: 'loan.disbursed' }],
    ['POST', `/v1/webhook-endpoints/${WELL_FORMED_ENDPOINT}/recover`, { since: '2026-01-01T00:00:00Z' }],
    ['GET', `/v1/webhook-endpoints/${WELL_FORMED_ENDPOINT}/deliveries`, undefined],
    ['GET', `/v1/webhook-deliveries/${WELL_FORMED_DELIVERY}`, undefined],
    ['POST', `/v1/webhook-deliveries/${WELL_FORMED_DELIVERY}/retry`, undefined],
  ])('%s %s: 404 not_found for an unknown id', async (method, path, body) => {
    const res = await gw.request(method, path, { key: partner.key, body });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });
});
