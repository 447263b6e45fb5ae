import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../test/support/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const paths = (body: { errors: { path: string }[] }) => body.errors.map((e) => e.path).sort();

describe('accounts: bad input', () => {
  it('400 validation_failed on create lists every invalid field with its path, and nothing is created', async () => {
    const before = await gw.request('GET', '/v1/accounts?limit=100');
    const res = await gw.request('POST', '/v1/accounts', {
      body: { name: '   ', contactEmail: 'not-an-email', tier: 'platinum', metadata: { k: 5 } },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('validation_failed');
    expect(paths(res.body)).toEqual(['body.contactEmail', 'body.metadata.k', 'body.name', 'body.tier']);
    expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
    const after = await gw.request('GET', '/v1/accounts?limit=100');
    expect(after.body.data).toHaveLength(before.body.data.length);
  });

  it('400 validation_failed when required fields are missing', async () => {
    const res = await gw.request('POST', '/v1/accounts', { body: {} });
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(['body.contactEmail', 'body.name']);
  });

  it('400 validation_failed for unknown fields: a caller cannot make a platform account', async () => {
    const res = await gw.request('POST', '/v1/accounts', {
      body: { name: 'Sneaky', contactEmail: 's@example.com', platform: true, status: 'suspended' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors[0].message).toMatch(/platform/);
    expect(res.body.errors[0].message).toMatch(/status/);
  });

  it('400 invalid_json for a malformed body', async () => {
    const res = await gw.request('POST', '/v1/accounts', { rawBody: '{"name":' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_json');
  });

  it('400 validation_failed on PATCH with its paths, and the account is unchanged', async () => {
    const created = await gw.request('POST', '/v1/accounts', { body: { name: 'Keep', contactEmail: 'k@example.com' } });
    const res = await gw.request('PATCH', `/v1/accounts/${created.body.id}`, {
      body: { name: '', tier: 'gold', platform: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(paths(res.body)).toEqual(['body', 'body.name', 'body.tier']);
    const still = await gw.request('GET', `/v1/accounts/${created.body.id}`);
    expect(still.body).toEqual(created.body);
  });

  it('400 for a list limit out of range', async () => {
    for (const limit of ['0', '101', 'x']) {
      const res = await gw.request('GET', `/v1/accounts?limit=${limit}`);
      expect(res.status, limit).toBe(400);
      expect(res.body.errors[0].path).toBe('query.limit');
    }
  });

  it('404 not_found for an unknown account on GET, PATCH, suspend and unsuspend', async () => {
    const id = 'acct_01jd8x3k5w9q4r7t2m6n0p8s1v';
    const calls = [
      ['GET', `/v1/accounts/${id}`, undefined],
      ['PATCH', `/v1/accounts/${id}`, { name: 'x' }],
      ['POST', `/v1/accounts/${id}/suspend`, undefined],
      ['POST', `/v1/accounts/${id}/unsuspend`, undefined],
    ] as const;
    for (const [method, path, body] of calls) {
      const res = await gw.request(method, path, { body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
  });

  it('400 naming path.id for a path id that is not an account id', async () => {
    for (const bad of ['not-even-an-id', 'acct_%00', 'acct_', 'cus_01jd8x3k5w9q4r7t2m6n0p8s1v']) {
      const res = await gw.request('GET', `/v1/accounts/${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors[0].path).toBe('path.id');
    }
  });

  it('409 state_conflict: the platform account cannot be suspended, and stays active', async () => {
    const res = await gw.request('POST', `/v1/accounts/${gw.platformId}/suspend`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('state_conflict');
    expect(res.body.detail).toMatch(/platform account cannot be suspended/);
    const platform = await gw.request('GET', `/v1/accounts/${gw.platformId}`);
    expect(platform.body.status).toBe('active');
    const stillWorks = await gw.request('GET', '/v1/accounts?limit=1');
    expect(stillWorks.status).toBe(200);
  });

  it('422 idempotency_key_reused for an Idempotency-Key reused with another account', async () => {
    const headers = { 'idempotency-key': 'acct-create-1' };
    const first = await gw.request('POST', '/v1/accounts', {
      headers,
      body: { name: 'One', contactEmail: 'one@example.com' },
    });
    expect(first.status).toBe(201);
    const replay = await gw.request('POST', '/v1/accounts', {
      headers,
      body: { name: 'One', contactEmail: 'one@example.com' },
    });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const other = await gw.request('POST', '/v1/accounts', {
      headers,
      body: { name: 'Two', contactEmail: 'two@example.com' },
    });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
  });
});
