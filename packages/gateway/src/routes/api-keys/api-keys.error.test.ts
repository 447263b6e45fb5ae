import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

const paths = (body: { errors: { path: string }[] }) => body.errors.map((e) => e.path).sort();
const keyCount = async () => (await gw.request('GET', '/v1/api-keys?limit=100', { key: partner.key })).body.data.length;
const create = (body: unknown) => gw.request('POST', '/v1/api-keys', { key: partner.key, body });

describe('api keys: bad input on create', () => {
  it('422 unprocessable for expiresAt in the past, and nothing is created', async () => {
    const before = await keyCount();
    const past = new Date(gw.clock.now().getTime() - 1000).toISOString();
    const res = await create({ name: 'late', scopes: ['*'], expiresAt: past });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('unprocessable');
    expect(res.body.detail).toMatch(/expiresAt/);
    expect(await keyCount()).toBe(before);
  });

  it('422 unprocessable for expiresAt exactly now (a key must outlive its creation)', async () => {
    const res = await create({ name: 'now', scopes: ['*'], expiresAt: gw.clock.now().toISOString() });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unprocessable');
  });

  it('400 validation_failed for an expiresAt that is not an ISO 8601 date-time', async () => {
    const res = await create({ name: 'x', scopes: ['*'], expiresAt: 'tomorrow' });
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(['body.expiresAt']);
  });

  it('400 validation_failed with errors[] for unknown, empty or missing scopes', async () => {
    const unknown = await create({ name: 'x', scopes: ['customers:read', 'customers:delete', 'admin'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('validation_failed');
    expect(paths(unknown.body)).toEqual(['body.scopes.1', 'body.scopes.2']);
    const empty = await create({ name: 'x', scopes: [] });
    expect(empty.status).toBe(400);
    expect(paths(empty.body)).toEqual(['body.scopes']);
    const missing = await create({ name: 'x' });
    expect(missing.status).toBe(400);
    expect(paths(missing.body)).toEqual(['body.scopes']);
  });

  it('400 validation_failed for a bad CIDR, naming each bad entry', async () => {
    const before = await keyCount();
    const res = await create({
      name: 'x',
      scopes: ['*'],
      ipAllowlist: ['203.0.113.0/24', '10.0.0.0/33', '300.1.1.1', '2001:db8::/129', 'localhost', '1.2.3.4/'],
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(paths(res.body)).toEqual([
      'body.ipAllowlist.1',
      'body.ipAllowlist.2',
      'body.ipAllowlist.3',
      'body.ipAllowlist.4',
      'body.ipAllowlist.5',
    ]);
    expect(res.body.errors[0].message).toMatch(/CIDR/);
    expect(await keyCount()).toBe(before);
  });

  it('400 validation_failed for an empty ipAllowlist (it would silently allow every address)', async () => {
    const res = await create({ name: 'x', scopes: ['*'], ipAllowlist: [] });
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(['body.ipAllowlist']);
  });

  it('400 validation_failed for a rate limit override out of range', async () => {
    const res = await create({ name: 'x', scopes: ['*'], rateLimit: { requests: 0, windowSeconds: 86_401 } });
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(['body.rateLimit.requests', 'body.rateLimit.windowSeconds']);
  });

  it('400 validation_failed for a missing name and unknown fields', async () => {
    const res = await create({ scopes: ['*'], secret: 'lw_test_mine' });
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(['body', 'body.name']);
    expect(res.body.errors.find((e: { path: string }) => e.path === 'body').message).toMatch(/secret/);
  });

  it('400 invalid_json for a malformed body', async () => {
    const res = await gw.request('POST', '/v1/api-keys', { key: partner.key, rawBody: '{"name":"x",' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_json');
  });
});

describe('api keys: bad input on rotate, list and usage', () => {
  it('400 validation_failed for gracePeriodSeconds negative, too large, fractional or a string; nothing rotates', async () => {
    const key = await gw.createKey(partner.accountId, { name: 'steady' });
    for (const gracePeriodSeconds of [-1, 30 * 86_400 + 1, 1.5, '30']) {
      const res = await gw.request('POST', `/v1/api-keys/${key.id}/rotate`, {
        key: partner.key,
        body: { gracePeriodSeconds },
      });
      expect(res.status, String(gracePeriodSeconds)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(paths(res.body)).toEqual(['body.gracePeriodSeconds']);
    }
    const get = await gw.request('GET', `/v1/api-keys/${key.id}`, { key: partner.key });
    expect(get.body).toMatchObject({ rotatedAt: null, start: key.secret.slice(0, 12) });
    expect((await gw.request('GET', '/v1/me', { key: key.secret })).status).toBe(200);
  });

  it('the largest grace period, 30 days, is accepted', async () => {
    const key = await gw.createKey(partner.accountId, { name: 'long grace' });
    const res = await gw.request('POST', `/v1/api-keys/${key.id}/rotate`, {
      key: partner.key,
      body: { gracePeriodSeconds: 30 * 86_400 },
    });
    expect(res.status).toBe(200);
    expect(res.body.previousSecretExpiresAt).toBe(new Date(gw.clock.now().getTime() + 30 * 86_400_000).toISOString());
  });

  it('400 for a list limit out of range and for usage days out of range', async () => {
    const list = await gw.request('GET', '/v1/api-keys?limit=101', { key: partner.key });
    expect(list.status).toBe(400);
    expect(list.body.errors[0].path).toBe('query.limit');
    for (const days of ['0', '91', 'week']) {
      const res = await gw.request('GET', `/v1/api-keys/${partner.keyId}/usage?days=${days}`, { key: partner.key });
      expect(res.status, days).toBe(400);
      expect(res.body.errors[0].path).toBe('query.days');
    }
  });

  it('404 not_found for an unknown key id on get, rotate, revoke and usage', async () => {
    const id = 'key_01jd8x3k5w9q4r7t2m6n0p8s1v';
    const calls = [
      ['GET', `/v1/api-keys/${id}`, undefined],
      ['POST', `/v1/api-keys/${id}/rotate`, { gracePeriodSeconds: 0 }],
      ['POST', `/v1/api-keys/${id}/revoke`, undefined],
      ['GET', `/v1/api-keys/${id}/usage`, undefined],
    ] as const;
    for (const [method, path, body] of calls) {
      const res = await gw.request(method, path, { key: partner.key, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
  });

  it('400 naming path.id for an id of another kind or no id at all (never a lookup)', async () => {
    for (const bad of ['cus_01jd8x3k5w9q4r7t2m6n0p8s1v', 'key_x', 'key_x%00', 'KEY_01JD8X3K5W9Q4R7T2M6N0P8S1V']) {
      const res = await gw.request('GET', `/v1/api-keys/${bad}/usage`, { key: partner.key });
      expect(res.status, bad).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors[0].path).toBe('path.id');
    }
  });
});

describe('api keys: state conflicts', () => {
  it('409 state_conflict when rotating a revoked key, and no secret is issued', async () => {
    const key = await gw.createKey(partner.accountId, { name: 'revoked' });
    const revoked = await gw.request('POST', `/v1/api-keys/${key.id}/revoke`, { key: partner.key });
    expect(revoked.status).toBe(200);
    const res = await gw.request('POST', `/v1/api-keys/${key.id}/rotate`, {
      key: partner.key,
      body: { gracePeriodSeconds: 60 },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('state_conflict');
    expect(res.body).not.toHaveProperty('secret');
    const get = await gw.request('GET', `/v1/api-keys/${key.id}`, { key: partner.key });
    expect(get.body).toMatchObject({ status: 'revoked', rotatedAt: null });
  });

  it('409 state_conflict when rotating an expired key', async () => {
    const expiresAt = new Date(gw.clock.now().getTime() + 1000).toISOString();
    const key = await gw.createKey(partner.accountId, { name: 'expiring', expiresAt });
    gw.clock.advance(1000);
    const res = await gw.request('POST', `/v1/api-keys/${key.id}/rotate`, { key: partner.key, body: {} });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('state_conflict');
  });
});
