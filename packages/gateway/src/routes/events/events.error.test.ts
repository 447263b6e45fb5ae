import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

describe('events: bad input', () => {
  it.each([
    'withdrawal.',
    'WITHDRAWAL.created',
    'a b',
    '.created',
    'withdrawal*',
    'withdrawal.**',
    '**',
    'x'.repeat(101),
  ])('400 validation_failed naming query.type for type=%s', async (type) => {
    const res = await gw.request('GET', `/v1/events?type=${encodeURIComponent(type)}`, { key: partner.key });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors[0].path).toBe('query.type');
  });

  it.each(['not-an-id', 'evt_short', 'wal_01jd8x3k5w9q4r7t2m6n0p8s1v'])(
    '400 validation_failed naming path.id for /v1/events/%s',
    async (id) => {
      const res = await gw.request('GET', `/v1/events/${id}`, { key: partner.key });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors[0].path).toBe('path.id');
    },
  );

  it('404 not_found for a well-formed unknown event id', async () => {
    const res = await gw.request('GET', '/v1/events/evt_01jd8x3k5w9q4r7t2m6n0p8s1v', { key: partner.key });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('not_found');
  });

  it('400 naming query.limit and query.startingAfter on the list', async () => {
    const limit = await gw.request('GET', '/v1/events?limit=0', { key: partner.key });
    expect(limit.status).toBe(400);
    expect(limit.body.errors[0].path).toBe('query.limit');
    const cursor = await gw.request('GET', '/v1/events?startingAfter=nope', { key: partner.key });
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors[0].path).toBe('query.startingAfter');
  });
});
