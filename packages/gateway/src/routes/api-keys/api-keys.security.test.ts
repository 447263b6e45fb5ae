import { PLATFORM_SCOPES } from '@lendwire/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { authMatrix } from '../../../test/support/security.js';

let gw: TestGateway;
let owner: Partner;
let intruder: Partner;
let ownedKeyId: string;
let ownedSecret: string;
beforeAll(async () => {
  gw = await createTestGateway();
  owner = await gw.createPartner({ name: 'Owner' });
  intruder = await gw.createPartner({ name: 'Intruder' });
  const res = await gw.request('POST', '/v1/api-keys', {
    key: owner.key,
    body: { name: 'Private', scopes: ['customers:read'] },
  });
  ownedKeyId = res.body.id;
  ownedSecret = res.body.secret;
});
afterAll(() => gw.close());

const operations = () => [
  { method: 'POST', path: '/v1/api-keys', body: { name: 'X', scopes: ['customers:read'] }, scope: 'keys:write' },
  { method: 'GET', path: '/v1/api-keys', scope: 'keys:read' },
  { method: 'GET', path: `/v1/api-keys/${ownedKeyId}`, scope: 'keys:read' },
  { method: 'POST', path: `/v1/api-keys/${ownedKeyId}/rotate`, body: { gracePeriodSeconds: 0 }, scope: 'keys:write' },
  { method: 'POST', path: `/v1/api-keys/${ownedKeyId}/revoke`, scope: 'keys:write' },
  { method: 'GET', path: `/v1/api-keys/${ownedKeyId}/usage`, scope: 'keys:read' },
];

for (const index of [0, 1, 2, 3, 4, 5]) {
  describe(`api keys security: operation ${index}`, () => {
    authMatrix(
      () => gw,
      () => operations()[index]!,
    );
  });
}

const ownedKeyUntouched = async () => {
  const get = await gw.request('GET', `/v1/api-keys/${ownedKeyId}`, { key: owner.key });
  expect(get.body).toMatchObject({
    status: 'active',
    rotatedAt: null,
    revokedAt: null,
    start: ownedSecret.slice(0, 12),
  });
  const use = await gw.request('GET', '/v1/me', { key: ownedSecret });
  expect(use.status).toBe(200);
};

describe('api keys: tenancy', () => {
  it("404 (never 403) for another account's key on get, rotate, revoke and usage, and nothing changes", async () => {
    const calls = [
      ['GET', `/v1/api-keys/${ownedKeyId}`, undefined],
      ['POST', `/v1/api-keys/${ownedKeyId}/rotate`, { gracePeriodSeconds: 0 }],
      ['POST', `/v1/api-keys/${ownedKeyId}/revoke`, undefined],
      ['GET', `/v1/api-keys/${ownedKeyId}/usage`, undefined],
    ] as const;
    for (const [method, path, body] of calls) {
      const res = await gw.request(method, path, { key: intruder.key, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.code).toBe('not_found');
      expect(res.text).not.toContain(owner.accountId);
    }
    await ownedKeyUntouched();
  });

  it("lists never include another account's keys, even with its cursor", async () => {
    const res = await gw.request('GET', '/v1/api-keys?limit=100&startingAfter=key_zzzzzzzzzzzzzzzzzzzzzzzzzz', {
      key: intruder.key,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.map((k: { id: string }) => k.id)).toEqual([intruder.keyId]);
  });

  it('test keys do not see live keys, and live keys do not see test keys', async () => {
    const live = await gw.createKey(owner.accountId, { name: 'live' }, true);
    for (const path of [`/v1/api-keys/${live.id}`, `/v1/api-keys/${live.id}/usage`]) {
      const res = await gw.request('GET', path, { key: owner.key });
      expect(res.status, path).toBe(404);
    }
    const rotate = await gw.request('POST', `/v1/api-keys/${live.id}/rotate`, { key: owner.key, body: {} });
    expect(rotate.status).toBe(404);
    const revoke = await gw.request('POST', `/v1/api-keys/${live.id}/revoke`, { key: owner.key });
    expect(revoke.status).toBe(404);
    const testList = await gw.request('GET', '/v1/api-keys?limit=100', { key: owner.key });
    expect(testList.body.data.map((k: { id: string }) => k.id)).not.toContain(live.id);
    expect(testList.body.data.every((k: { livemode: boolean }) => k.livemode === false)).toBe(true);

    const liveList = await gw.request('GET', '/v1/api-keys?limit=100', { key: live.secret });
    expect(liveList.body.data.map((k: { id: string }) => k.id)).toEqual([live.id]);
    const testKeyFromLive = await gw.request('GET', `/v1/api-keys/${ownedKeyId}`, { key: live.secret });
    expect(testKeyFromLive.status).toBe(404);
    expect((await gw.request('GET', '/v1/me', { key: live.secret })).status).toBe(200);
  });

  it('a key created by a live key is live, and by a test key is test', async () => {
    const live = await gw.createKey(owner.accountId, { name: 'live creator' }, true);
    const res = await gw.request('POST', '/v1/api-keys', { key: live.secret, body: { name: 'child', scopes: ['*'] } });
    expect(res.status).toBe(201);
    expect(res.body.livemode).toBe(true);
    expect(res.body.secret.startsWith('lw_live_')).toBe(true);
  });

  it('a partner key cannot manage keys of another account through Lendwire-Account', async () => {
    const res = await gw.request('GET', '/v1/api-keys', {
      key: intruder.key,
      headers: { 'lendwire-account': owner.accountId },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_header_not_allowed');
  });
});

describe('api keys: no privilege escalation', () => {
  it('a keys:write key cannot create a key with customers:write or `*` (403 insufficient_scope)', async () => {
    const admin = await gw.createKey(owner.accountId, { name: 'key admin', scopes: ['keys:write'] });
    const before = await gw.request('GET', '/v1/api-keys?limit=100', { key: owner.key });
    for (const scopes of [['customers:write'], ['*'], ['keys:read', 'customers:read']]) {
      const res = await gw.request('POST', '/v1/api-keys', { key: admin.secret, body: { name: 'escalate', scopes } });
      expect(res.status, scopes.join(',')).toBe(403);
      expect(res.body.code).toBe('insufficient_scope');
      expect(res.body.detail).toMatch(/customers:(read|write)/);
    }
    const after = await gw.request('GET', '/v1/api-keys?limit=100', { key: owner.key });
    expect(after.body.data).toHaveLength(before.body.data.length);
  });

  it('a keys:write key cannot rotate a stronger key to obtain its secret (403 insufficient_scope)', async () => {
    const admin = await gw.createKey(owner.accountId, { name: 'key admin 2', scopes: ['keys:write'] });
    const res = await gw.request('POST', `/v1/api-keys/${ownedKeyId}/rotate`, {
      key: admin.secret,
      body: { gracePeriodSeconds: 0 },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.body.detail).toContain('customers:read');
    expect(res.body).not.toHaveProperty('secret');
    await ownedKeyUntouched();
  });

  it('a keys:write key cannot revoke a stronger key to lock the account out (403 insufficient_scope)', async () => {
    const admin = await gw.createKey(owner.accountId, { name: 'key admin 3', scopes: ['keys:write'] });
    const res = await gw.request('POST', `/v1/api-keys/${ownedKeyId}/revoke`, { key: admin.secret });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    await ownedKeyUntouched();
  });

  it('a partner cannot give a key its own rateLimit budget (403), a platform key acting for it can', async () => {
    const denied = await gw.request('POST', '/v1/api-keys', {
      key: owner.key,
      body: { name: 'bigger budget', scopes: ['customers:read'], rateLimit: { requests: 1_000_000, windowSeconds: 1 } },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('insufficient_scope');
    expect(denied.body.detail).toContain('rateLimit');
    const allowed = await gw.request('POST', '/v1/api-keys', {
      headers: { 'lendwire-account': owner.accountId },
      body: { name: 'metered', scopes: ['customers:read'], rateLimit: { requests: 10, windowSeconds: 60 } },
    });
    expect(allowed.status).toBe(201);
    expect(allowed.body.rateLimit).toEqual({ requests: 10, windowSeconds: 60 });
  });

  it('a partner cannot grant platform scopes (403 platform_scope_not_allowed), even with `*`', async () => {
    for (const scope of PLATFORM_SCOPES) {
      const res = await gw.request('POST', '/v1/api-keys', {
        key: owner.key,
        body: { name: 'platformish', scopes: ['customers:read', scope] },
      });
      expect(res.status, scope).toBe(403);
      expect(res.body.code).toBe('platform_scope_not_allowed');
      expect(res.body.detail).toContain(scope);
    }
  });

  it('a platform key acting for a partner cannot give the partner platform scopes', async () => {
    const res = await gw.request('POST', '/v1/api-keys', {
      headers: { 'lendwire-account': owner.accountId },
      body: { name: 'platformish', scopes: ['loans:review'] },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('platform_scope_not_allowed');
  });
});

describe('api keys: IP allowlist', () => {
  let secret: string;
  beforeAll(async () => {
    const res = await gw.request('POST', '/v1/api-keys', {
      key: owner.key,
      body: { name: 'office only', scopes: ['*'], ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'] },
    });
    expect(res.status).toBe(201);
    secret = res.body.secret;
  });

  it('works from an IPv4 address, an IPv6 address and an IPv4-mapped IPv6 address inside the list', async () => {
    for (const ip of ['203.0.113.9', '2001:db8::1', '::ffff:203.0.113.9', '2001:db8:ffff::abcd']) {
      const res = await gw.request('GET', '/v1/me', { key: secret, ip });
      expect(res.status, ip).toBe(200);
    }
  });

  it('403 ip_not_allowed from an address outside the list', async () => {
    for (const ip of ['198.51.100.1', '203.0.114.9', '2001:db9::1', '::ffff:198.51.100.1']) {
      const res = await gw.request('GET', '/v1/me', { key: secret, ip });
      expect(res.status, ip).toBe(403);
      expect(res.body.code).toBe('ip_not_allowed');
      expect(res.body.detail).toContain(ip);
    }
  });

  it('403 ip_not_allowed when the client address is unknown or garbage', async () => {
    const none = await gw.request('GET', '/v1/me', { key: secret });
    expect(none.status).toBe(403);
    expect(none.body.code).toBe('ip_not_allowed');
    const garbage = await gw.request('GET', '/v1/me', { key: secret, ip: '203.0.113.9.evil' });
    expect(garbage.status).toBe(403);
  });

  it('uses the last X-Forwarded-For entry (appended by the trusted proxy), so a spoofed first entry is ignored', async () => {
    const spoofed = await gw.request('GET', '/v1/me', {
      key: secret,
      headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' },
    });
    expect(spoofed.status).toBe(403);
    const real = await gw.request('GET', '/v1/me', {
      key: secret,
      headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' },
    });
    expect(real.status).toBe(200);
  });
});
