import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { authMatrix } from '../../../test/support/security.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner({ name: 'Target' });
});
afterAll(() => gw.close());

const operations = () => [
  { method: 'POST', path: '/v1/accounts', body: { name: 'X', contactEmail: 'x@example.com' } },
  { method: 'GET', path: '/v1/accounts' },
  { method: 'GET', path: `/v1/accounts/${partner.accountId}` },
  { method: 'PATCH', path: `/v1/accounts/${partner.accountId}`, body: { tier: 'scale' } },
  { method: 'POST', path: `/v1/accounts/${partner.accountId}/suspend` },
  { method: 'POST', path: `/v1/accounts/${partner.accountId}/unsuspend` },
];

for (const index of [0, 1, 2, 3, 4, 5]) {
  describe(`accounts security: operation ${index}`, () => {
    authMatrix(
      () => gw,
      () => ({ ...operations()[index]!, scope: 'accounts:admin', platformOnly: true }),
    );
  });
}

describe('accounts: partners never administer accounts', () => {
  it('403 insufficient_scope naming accounts:admin for a partner `*` key on every operation, and nothing changes', async () => {
    const before = await gw.request('GET', `/v1/accounts/${partner.accountId}`);
    for (const o of operations()) {
      const res = await gw.request(o.method, o.path, { key: partner.key, body: o.body });
      expect(res.status, `${o.method} ${o.path}`).toBe(403);
      expect(res.body.code).toBe('insufficient_scope');
      expect(res.body.detail).toContain('accounts:admin');
    }
    const after = await gw.request('GET', `/v1/accounts/${partner.accountId}`);
    expect(after.body).toEqual(before.body);
  });

  it('a partner cannot suspend itself', async () => {
    const res = await gw.request('POST', `/v1/accounts/${partner.accountId}/suspend`, { key: partner.key });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    const me = await gw.request('GET', '/v1/me', { key: partner.key });
    expect(me.body.account.status).toBe('active');
  });

  it('a partner cannot obtain accounts:admin: key creation with it is refused', async () => {
    const res = await gw.request('POST', '/v1/api-keys', {
      key: partner.key,
      body: { name: 'admin', scopes: ['accounts:admin'] },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('platform_scope_not_allowed');
    const me = await gw.request('GET', '/v1/me', { key: partner.key });
    expect(me.body.scopes).not.toContain('accounts:admin');
  });

  it('a platform key acting for a partner does not lend the partner accounts:admin', async () => {
    const res = await gw.request('POST', '/v1/api-keys', {
      headers: { 'lendwire-account': partner.accountId },
      body: { name: 'admin for partner', scopes: ['accounts:admin'] },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('platform_scope_not_allowed');
  });

  it('a platform key with only keys:write is refused accounts:admin routes', async () => {
    const key = await gw.createKey(gw.platformId, { scopes: ['keys:write'] });
    const res = await gw.request('GET', '/v1/accounts', { key: key.secret });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.body.detail).toContain('accounts:admin');
  });
});
