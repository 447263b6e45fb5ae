import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from '../test/support/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

describe('HTTP-level errors', () => {
  it('405 method_not_allowed with an Allow header for a known path and unknown method', async () => {
    const res = await gw.request('DELETE', '/v1/customers');
    expect(res.status).toBe(405);
    expect(res.body.code).toBe('method_not_allowed');
    expect(res.headers.get('allow')).toBe('GET, POST');
  });

  it('405 also matches paths with ids', async () => {
    const res = await gw.request('DELETE', '/v1/customers/cus_x');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, PATCH');
  });

  it('415 unsupported_media_type for a non-JSON body, and nothing is created', async () => {
    const res = await gw.request('POST', '/v1/customers', {
      rawBody: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
    const list = await gw.request('GET', '/v1/customers');
    expect(list.body.data).toHaveLength(0);
  });
});
