import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

describe('customers: happy paths', () => {
  it('POST /v1/customers creates a customer in test mode and returns it', async () => {
    const res = await gw.request('POST', '/v1/customers', {
      key: partner.key,
      body: { name: 'Ada Obi', email: 'ada@example.com', phone: '+2348012345678', metadata: { ref: 'A1' } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: 'customer',
      name: 'Ada Obi',
      email: 'ada@example.com',
      phone: '+2348012345678',
      metadata: { ref: 'A1' },
      livemode: false,
    });
    expect(res.body.id).toMatch(/^cus_[0-9a-z]{26}$/);
    expect(res.headers.get('ratelimit-policy')).toBe('"free";q=10000;w=60');
    expect(res.headers.get('ratelimit')).toMatch(/^"free";r=\d+;t=\d+$/);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('GET /v1/customers/{id} returns it, with an ETag and 304 on If-None-Match', async () => {
    const created = await gw.request('POST', '/v1/customers', { key: partner.key, body: { name: 'Bola' } });
    const res = await gw.request('GET', `/v1/customers/${created.body.id}`, { key: partner.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created.body);
    const tag = res.headers.get('etag');
    expect(tag).toMatch(/^W\/"[0-9a-f]{32}"$/);
    const again = await gw.request('GET', `/v1/customers/${created.body.id}`, {
      key: partner.key,
      headers: { 'if-none-match': tag! },
    });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(tag);
  });

  it('PATCH /v1/customers/{id} changes only the fields sent and null clears', async () => {
    const created = await gw.request('POST', '/v1/customers', {
      key: partner.key,
      body: { name: 'Chidi', email: 'c@example.com', phone: '+2348000000001' },
    });
    gw.clock.advance(1000);
    const res = await gw.request('PATCH', `/v1/customers/${created.body.id}`, {
      key: partner.key,
      body: { phone: null, metadata: { tier: 'gold' } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Chidi', email: 'c@example.com', phone: null, metadata: { tier: 'gold' } });
    expect(res.body.updatedAt > created.body.updatedAt).toBe(true);
  });

  it('GET /v1/customers pages newest first with a stable cursor', async () => {
    const other = await gw.createPartner();
    const names = ['c1', 'c2', 'c3', 'c4', 'c5'];
    for (const name of names) await gw.request('POST', '/v1/customers', { key: other.key, body: { name } });
    const first = await gw.request('GET', '/v1/customers?limit=2', { key: other.key });
    expect(first.status).toBe(200);
    expect(first.body.data.map((c: { name: string }) => c.name)).toEqual(['c5', 'c4']);
    expect(first.body.hasMore).toBe(true);
    // A customer created between pages must not shift the next page.
    await gw.request('POST', '/v1/customers', { key: other.key, body: { name: 'late' } });
    const second = await gw.request('GET', `/v1/customers?limit=2&startingAfter=${first.body.nextCursor}`, {
      key: other.key,
    });
    expect(second.body.data.map((c: { name: string }) => c.name)).toEqual(['c3', 'c2']);
    const third = await gw.request('GET', `/v1/customers?limit=2&startingAfter=${second.body.nextCursor}`, {
      key: other.key,
    });
    expect(third.body).toMatchObject({ hasMore: false, nextCursor: null });
    expect(third.body.data.map((c: { name: string }) => c.name)).toEqual(['c1']);
  });

  it('a platform key acts for a partner with Lendwire-Account', async () => {
    const res = await gw.request('POST', '/v1/customers', {
      headers: { 'lendwire-account': partner.accountId },
      body: { name: 'Via platform' },
    });
    expect(res.status).toBe(201);
    const seen = await gw.request('GET', `/v1/customers/${res.body.id}`, { key: partner.key });
    expect(seen.status).toBe(200);
  });

  it('POST with an Idempotency-Key replays the first response and creates one customer', async () => {
    const other = await gw.createPartner();
    const headers = { 'idempotency-key': 'create-dami-1' };
    const first = await gw.request('POST', '/v1/customers', { key: other.key, headers, body: { name: 'Dami' } });
    const second = await gw.request('POST', '/v1/customers', { key: other.key, headers, body: { name: 'Dami' } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const list = await gw.request('GET', '/v1/customers', { key: other.key });
    expect(list.body.data).toHaveLength(1);
  });
});
