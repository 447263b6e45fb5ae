import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

describe('me: bad input', () => {
  it('400 invalid_header for a malformed Lendwire-Account', async () => {
    for (const value of ['nope', 'acct_', 'cus_01jd8x3k5w9q4r7t2m6n0p8s1v', 'acct_01JD8X3K5W9Q4R7T2M6N0P8S1V']) {
      const res = await gw.request('GET', '/v1/me', { headers: { 'lendwire-account': value } });
      expect(res.status, value).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.code).toBe('invalid_header');
      expect(res.body.detail).toMatch(/Lendwire-Account/);
      expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
    }
  });

  it('404 not_found for a well-formed Lendwire-Account that names no account', async () => {
    const res = await gw.request('GET', '/v1/me', {
      headers: { 'lendwire-account': 'acct_01jd8x3k5w9q4r7t2m6n0p8s1v' },
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect(res.body.detail).toContain('acct_01jd8x3k5w9q4r7t2m6n0p8s1v');
  });

  it('403 account_header_not_allowed when a partner key names another account', async () => {
    const other = await gw.createPartner();
    const res = await gw.request('GET', '/v1/me', {
      key: partner.key,
      headers: { 'lendwire-account': other.accountId },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_header_not_allowed');
    expect(res.text).not.toContain(other.accountId.slice(5));
  });

  it('403 account_header_not_allowed for a partner key naming an account that does not exist (no existence leak)', async () => {
    const res = await gw.request('GET', '/v1/me', {
      key: partner.key,
      headers: { 'lendwire-account': 'acct_01jd8x3k5w9q4r7t2m6n0p8s1v' },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_header_not_allowed');
  });

  it('405 method_not_allowed for POST /v1/me', async () => {
    const res = await gw.request('POST', '/v1/me', { key: partner.key, body: {} });
    expect(res.status).toBe(405);
    expect(res.body.code).toBe('method_not_allowed');
    expect(res.headers.get('allow')).toBe('GET');
  });
});
