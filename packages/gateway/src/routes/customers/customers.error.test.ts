import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway({ bodyLimit: 4096 });
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

describe('customers: bad input', () => {
  it('400 validation_failed lists every invalid field with its path', async () => {
    const res = await gw.request('POST', '/v1/customers', {
      key: partner.key,
      body: { name: '', email: 'not-an-email', phone: '0801' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('validation_failed');
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['body.email', 'body.name', 'body.phone']);
    expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('400 validation_failed for unknown fields (typos are not ignored)', async () => {
    const res = await gw.request('POST', '/v1/customers', { key: partner.key, body: { name: 'A', emial: 'a@b.co' } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/emial/);
  });

  it('400 invalid_json for a malformed body, and nothing is created', async () => {
    const res = await gw.request('POST', '/v1/customers', { key: partner.key, rawBody: '{"name": "A",' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_json');
    const list = await gw.request('GET', '/v1/customers', { key: partner.key });
    expect(list.body.data).toHaveLength(0);
  });

  it('413 payload_too_large over the body limit', async () => {
    const res = await gw.request('POST', '/v1/customers', {
      key: partner.key,
      body: { name: 'A', metadata: { big: 'x'.repeat(400) }, pad: 'y'.repeat(5000) },
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('400 for a limit out of range on list', async () => {
    const res = await gw.request('GET', '/v1/customers?limit=500', { key: partner.key });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('query.limit');
  });

  it('404 not_found for an unknown customer on GET and PATCH', async () => {
    const get = await gw.request('GET', '/v1/customers/cus_01jd8x3k5w9q4r7t2m6n0p8s1v', { key: partner.key });
    expect(get.status).toBe(404);
    expect(get.body.code).toBe('not_found');
    const patch = await gw.request('PATCH', '/v1/customers/cus_01jd8x3k5w9q4r7t2m6n0p8s1v', {
      key: partner.key,
      body: { name: 'x' },
    });
    expect(patch.status).toBe(404);
  });

  it('422 idempotency_key_reused when a key comes back with another payload', async () => {
    const headers = { 'idempotency-key': 'reuse-1' };
    const first = await gw.request('POST', '/v1/customers', { key: partner.key, headers, body: { name: 'One' } });
    expect(first.status).toBe(201);
    const second = await gw.request('POST', '/v1/customers', { key: partner.key, headers, body: { name: 'Two' } });
    expect(second.status).toBe(422);
    expect(second.body.code).toBe('idempotency_key_reused');
  });

  it('400 invalid_header for an Idempotency-Key that is too long', async () => {
    const res = await gw.request('POST', '/v1/customers', {
      key: partner.key,
      headers: { 'idempotency-key': 'k'.repeat(256) },
      body: { name: 'A' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_header');
  });
});
