import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../test/support/gateway.js';
import { authMatrix } from '../../../test/support/security.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

describe('me security', () => {
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: '/v1/me' }),
  );
});

describe('me: what a key learns about itself', () => {
  it('a key sees only itself and its own account, never another key of the account', async () => {
    const partner = await gw.createPartner();
    const second = await gw.createKey(partner.accountId, { name: 'second', scopes: ['customers:read'] });
    const res = await gw.request('GET', '/v1/me', { key: second.secret });
    expect(res.status).toBe(200);
    expect(res.body.apiKey.id).toBe(second.id);
    expect(res.text).not.toContain(partner.keyId);
    expect(res.text).not.toContain(partner.key);
    expect(res.text).not.toContain(second.secret);
  });

  it('a rotated key reports only the new secret start, never either secret', async () => {
    const partner = await gw.createPartner();
    const rotated = await gw.request('POST', `/v1/api-keys/${partner.keyId}/rotate`, {
      key: partner.key,
      body: { gracePeriodSeconds: 60 },
    });
    expect(rotated.status).toBe(200);
    const viaOld = await gw.request('GET', '/v1/me', { key: partner.key });
    expect(viaOld.status).toBe(200);
    expect(viaOld.body.apiKey.start).toBe(rotated.body.secret.slice(0, 12));
    expect(viaOld.text).not.toContain(partner.key);
    expect(viaOld.text).not.toContain(rotated.body.secret);
  });

  it('a partner key cannot see the platform account through Lendwire-Account', async () => {
    const partner = await gw.createPartner();
    const res = await gw.request('GET', '/v1/me', {
      key: partner.key,
      headers: { 'lendwire-account': gw.platformId },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_header_not_allowed');
    expect(res.text).not.toContain('Platform');
  });
});
