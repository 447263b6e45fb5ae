import { ALL_SCOPES, PARTNER_SCOPES } from '@lendwire/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner({ name: 'Acme Vendors' });
});
afterAll(() => gw.close());

describe('me: happy paths', () => {
  it('GET /v1/me describes the calling key, its account, tier and rate limit', async () => {
    const res = await gw.request('GET', '/v1/me', { key: partner.key });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      object: 'me',
      actingAs: null,
      tier: 'free',
      rateLimit: { policy: 'free', requests: 10_000, windowSeconds: 60 },
      livemode: false,
    });
    expect(res.body.account).toMatchObject({
      id: partner.accountId,
      object: 'account',
      name: 'Acme Vendors',
      tier: 'free',
      status: 'active',
      platform: false,
    });
    expect(res.body.apiKey).toMatchObject({
      id: partner.keyId,
      object: 'api_key',
      account: partner.accountId,
      start: partner.key.slice(0, 12),
      scopes: ['*'],
      status: 'active',
      livemode: false,
    });
    expect(res.headers.get('ratelimit-policy')).toBe('"free";q=10000;w=60');
    expect(res.headers.get('ratelimit')).toMatch(/^"free";r=\d+;t=\d+$/);
    expect(res.headers.get('etag')).toMatch(/^W\/"[0-9a-f]{32}"$/);
  });

  it('never returns the secret: no `secret` field and not the key string anywhere in the body', async () => {
    const res = await gw.request('GET', '/v1/me', { key: partner.key });
    expect(res.status).toBe(200);
    expect(res.body.apiKey).not.toHaveProperty('secret');
    expect(res.text).not.toContain(partner.key);
    expect(res.text).not.toMatch(/"secret"/);
  });

  it('expands `*` of a partner key into every partner scope and no platform scope', async () => {
    const res = await gw.request('GET', '/v1/me', { key: partner.key });
    expect(res.body.scopes).toEqual([...PARTNER_SCOPES]);
    for (const scope of ['loans:review', 'accounts:admin', 'operations:write']) {
      expect(res.body.scopes).not.toContain(scope);
    }
  });

  it('expands `*` of a platform key into every scope, platform scopes included', async () => {
    const res = await gw.request('GET', '/v1/me');
    expect(res.status).toBe(200);
    expect(res.body.scopes).toEqual([...ALL_SCOPES]);
    expect(res.body.account).toMatchObject({ id: gw.platformId, platform: true });
    expect(res.body).toMatchObject({ tier: 'scale', rateLimit: { policy: 'scale', requests: 50_000 } });
  });

  it('`x:write` implies `x:read` and nothing else is added', async () => {
    const key = await gw.createKey(partner.accountId, { scopes: ['customers:write', 'events:read'] });
    const res = await gw.request('GET', '/v1/me', { key: key.secret });
    expect(res.status).toBe(200);
    expect(res.body.scopes).toEqual(['customers:read', 'customers:write', 'events:read']);
    expect(res.body.apiKey.scopes).toEqual(['customers:write', 'events:read']);
  });

  it('a key with no scope beyond events:read still reads /v1/me', async () => {
    const key = await gw.createKey(partner.accountId, { scopes: ['events:read'] });
    const res = await gw.request('GET', '/v1/me', { key: key.secret });
    expect(res.status).toBe(200);
    expect(res.body.scopes).toEqual(['events:read']);
  });

  it('reports the tier of the account and its policy', async () => {
    const growth = await gw.createPartner({ tier: 'growth' });
    const res = await gw.request('GET', '/v1/me', { key: growth.key });
    expect(res.body.tier).toBe('growth');
    expect(res.body.rateLimit).toEqual({ policy: 'growth', requests: 20_000, windowSeconds: 60 });
    expect(res.headers.get('ratelimit-policy')).toBe('"growth";q=20000;w=60');
  });

  it('a per-key rate limit override is reported as policy `key`, in the body and the headers', async () => {
    const key = await gw.createKey(partner.accountId, { rateLimit: { requests: 5, windowSeconds: 10 } });
    const res = await gw.request('GET', '/v1/me', { key: key.secret });
    expect(res.status).toBe(200);
    expect(res.body.tier).toBe('free');
    expect(res.body.rateLimit).toEqual({ policy: 'key', requests: 5, windowSeconds: 10 });
    expect(res.body.apiKey.rateLimit).toEqual({ requests: 5, windowSeconds: 10 });
    expect(res.headers.get('ratelimit-policy')).toBe('"key";q=5;w=10');
    expect(res.headers.get('ratelimit')).toMatch(/^"key";r=4;t=\d+$/);
  });

  it('a live key reports livemode true', async () => {
    const live = await gw.createKey(partner.accountId, { name: 'live' }, true);
    const res = await gw.request('GET', '/v1/me', { key: live.secret });
    expect(res.status).toBe(200);
    expect(res.body.livemode).toBe(true);
    expect(res.body.apiKey).toMatchObject({ id: live.id, livemode: true, start: live.secret.slice(0, 12) });
    expect(live.secret.startsWith('lw_live_')).toBe(true);
  });

  it('a platform key acting with Lendwire-Account reports the partner account and actingAs', async () => {
    const res = await gw.request('GET', '/v1/me', { headers: { 'lendwire-account': partner.accountId } });
    expect(res.status).toBe(200);
    expect(res.body.actingAs).toBe(partner.accountId);
    expect(res.body.account).toMatchObject({ id: partner.accountId, platform: false });
    // The key, its scopes and its limit stay the platform key's own.
    expect(res.body.apiKey.account).toBe(gw.platformId);
    expect(res.body.scopes).toEqual([...ALL_SCOPES]);
    expect(res.body.rateLimit.policy).toBe('scale');
  });

  it("Lendwire-Account naming the key's own account is accepted and is not acting", async () => {
    const res = await gw.request('GET', '/v1/me', {
      key: partner.key,
      headers: { 'lendwire-account': partner.accountId },
    });
    expect(res.status).toBe(200);
    expect(res.body.actingAs).toBeNull();
    expect(res.body.account.id).toBe(partner.accountId);
  });

  it('a suspended account still gets 200 on /v1/me, showing its status', async () => {
    const suspended = await gw.createPartner();
    const off = await gw.request('POST', `/v1/accounts/${suspended.accountId}/suspend`);
    expect(off.status).toBe(200);
    const res = await gw.request('GET', '/v1/me', { key: suspended.key });
    expect(res.status).toBe(200);
    expect(res.body.account).toMatchObject({ id: suspended.accountId, status: 'suspended' });
    const elsewhere = await gw.request('GET', '/v1/customers', { key: suspended.key });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.code).toBe('account_suspended');
  });

  it('a platform key acting for a suspended account still gets 200 on /v1/me', async () => {
    const suspended = await gw.createPartner();
    await gw.request('POST', `/v1/accounts/${suspended.accountId}/suspend`);
    const res = await gw.request('GET', '/v1/me', { headers: { 'lendwire-account': suspended.accountId } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ actingAs: suspended.accountId, account: { status: 'suspended' } });
  });

  it('answers with its own X-Request-Id, never the one the client sent', async () => {
    const res = await gw.request('GET', '/v1/me', { key: partner.key, headers: { 'x-request-id': 'req_me_echo_1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
  });
});
