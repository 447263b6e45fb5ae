import { parseApiKey } from '@lendwire/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

const at = (offsetMs: number) => new Date(gw.clock.now().getTime() + offsetMs).toISOString();

/** Creates a key through the API with the partner's `*` key. */
async function createKey(body: Record<string, unknown> = {}, key = partner.key) {
  const res = await gw.request('POST', '/v1/api-keys', { key, body: { name: 'k', scopes: ['*'], ...body } });
  expect(res.status).toBe(201);
  return res.body;
}

/** Whether the gateway's in-process key cache currently holds this secret's lookup. */
const cached = (secret: string) => gw.app.deps.keyCache.get(gw.app.deps.hash(secret)) !== undefined;

const me = (secret: string) => gw.request('GET', '/v1/me', { key: secret });

describe('api keys: create, get, list', () => {
  it('POST /v1/api-keys returns the key with a well-formed secret, once, whose first 12 characters are `start`', async () => {
    // A per-key rateLimit needs a platform key, here acting for the partner.
    const res = await gw.request('POST', '/v1/api-keys', {
      headers: { 'lendwire-account': partner.accountId },
      body: {
        name: 'Checkout server',
        scopes: ['customers:write', 'loans:read'],
        ipAllowlist: ['203.0.113.0/24'],
        rateLimit: { requests: 100, windowSeconds: 60 },
        metadata: { team: 'payments' },
      },
    });
    expect(res.status).toBe(201);
    const { secret, ...key } = res.body;
    expect(parseApiKey(secret)).toMatchObject({ ok: true, mode: 'test' });
    expect(secret).toMatch(/^lw_test_[0-9A-Za-z]{36}$/);
    expect(key).toEqual({
      id: expect.stringMatching(/^key_[0-9a-z]{26}$/),
      object: 'api_key',
      account: partner.accountId,
      name: 'Checkout server',
      start: secret.slice(0, 12),
      scopes: ['customers:write', 'loans:read'],
      status: 'active',
      expiresAt: null,
      ipAllowlist: ['203.0.113.0/24'],
      rateLimit: { requests: 100, windowSeconds: 60 },
      lastUsedAt: null,
      rotatedAt: null,
      previousSecretExpiresAt: null,
      revokedAt: null,
      metadata: { team: 'payments' },
      livemode: false,
      createdAt: gw.clock.now().toISOString(),
    });
  });

  it('the new secret authenticates as the new key with exactly its scopes', async () => {
    const created = await createKey({ scopes: ['customers:read'] });
    const res = await me(created.secret);
    expect(res.status).toBe(200);
    expect(res.body.apiKey.id).toBe(created.id);
    expect(res.body.scopes).toEqual(['customers:read']);
    const denied = await gw.request('POST', '/v1/customers', { key: created.secret, body: { name: 'x' } });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('insufficient_scope');
  });

  it('GET /v1/api-keys/{id} and the list never contain `secret` nor the secret string', async () => {
    const created = await createKey({ name: 'Hidden' });
    const { secret, ...key } = created;
    const get = await gw.request('GET', `/v1/api-keys/${created.id}`, { key: partner.key });
    expect(get.status).toBe(200);
    expect(get.body).toEqual(key);
    expect(get.body).not.toHaveProperty('secret');
    expect(get.text).not.toContain(secret);
    expect(get.text).not.toContain(secret.slice(12));
    const list = await gw.request('GET', '/v1/api-keys?limit=100', { key: partner.key });
    expect(list.status).toBe(200);
    expect(list.body.data.map((k: { id: string }) => k.id)).toContain(created.id);
    for (const k of list.body.data) expect(k).not.toHaveProperty('secret');
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toContain(partner.key);
    expect(list.text).not.toMatch(/"secret"/);
  });

  it('GET /v1/api-keys pages newest first with a stable cursor', async () => {
    const other = await gw.createPartner();
    const names = ['k1', 'k2', 'k3', 'k4', 'k5'];
    for (const name of names) await createKey({ name }, other.key);
    const first = await gw.request('GET', '/v1/api-keys?limit=2', { key: other.key });
    expect(first.status).toBe(200);
    expect(first.body.data.map((k: { name: string }) => k.name)).toEqual(['k5', 'k4']);
    expect(first.body.hasMore).toBe(true);
    // A key created between pages must not shift the next page.
    await createKey({ name: 'late' }, other.key);
    const second = await gw.request('GET', `/v1/api-keys?limit=2&startingAfter=${first.body.nextCursor}`, {
      key: other.key,
    });
    expect(second.body.data.map((k: { name: string }) => k.name)).toEqual(['k3', 'k2']);
    const third = await gw.request('GET', `/v1/api-keys?limit=2&startingAfter=${second.body.nextCursor}`, {
      key: other.key,
    });
    // The partner's own key, created first, ends the list.
    expect(third.body.data.map((k: { name: string }) => k.name)).toEqual(['k1', 'partner key']);
    expect(third.body).toMatchObject({ hasMore: false, nextCursor: null });
  });

  it('a key with keys:write may create a key with a subset of its own scopes', async () => {
    const admin = await gw.createKey(partner.accountId, { scopes: ['keys:write'] });
    const res = await gw.request('POST', '/v1/api-keys', {
      key: admin.secret,
      body: { name: 'reader', scopes: ['keys:read'] },
    });
    expect(res.status).toBe(201);
    expect(res.body.scopes).toEqual(['keys:read']);
  });

  it('a platform key acting for a partner creates a key owned by that partner, which works as the partner', async () => {
    const target = await gw.createPartner({ name: 'Target' });
    const res = await gw.request('POST', '/v1/api-keys', {
      headers: { 'lendwire-account': target.accountId },
      body: { name: 'issued by platform', scopes: ['*'] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ account: target.accountId, livemode: false });
    const who = await me(res.body.secret);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ actingAs: null, account: { id: target.accountId, platform: false } });
    expect(who.body.scopes).not.toContain('accounts:admin');
    const customer = await gw.request('POST', '/v1/customers', { key: res.body.secret, body: { name: 'Theirs' } });
    expect(customer.status).toBe(201);
    const seen = await gw.request('GET', `/v1/customers/${customer.body.id}`, { key: target.key });
    expect(seen.status).toBe(200);
    const listed = await gw.request('GET', '/v1/api-keys', { key: target.key });
    expect(listed.body.data.map((k: { id: string }) => k.id)).toContain(res.body.id);
    const platformKeys = await gw.request('GET', '/v1/api-keys?limit=100');
    expect(platformKeys.body.data.map((k: { id: string }) => k.id)).not.toContain(res.body.id);
  });
});

describe('api keys: rotation', () => {
  it('POST /v1/api-keys/{id}/rotate returns a new secret for the same key and reports previousSecretExpiresAt', async () => {
    const created = await createKey({ name: 'Rotating', scopes: ['customers:read'], metadata: { a: '1' } });
    gw.clock.advance(1000);
    const res = await gw.request('POST', `/v1/api-keys/${created.id}/rotate`, {
      key: partner.key,
      body: { gracePeriodSeconds: 30 },
    });
    expect(res.status).toBe(200);
    expect(parseApiKey(res.body.secret).ok).toBe(true);
    expect(res.body.secret).not.toBe(created.secret);
    expect(res.body).toMatchObject({
      id: created.id,
      name: 'Rotating',
      scopes: ['customers:read'],
      metadata: { a: '1' },
      status: 'active',
      start: res.body.secret.slice(0, 12),
      rotatedAt: at(0),
      previousSecretExpiresAt: at(30_000),
      createdAt: created.createdAt,
    });
    const get = await gw.request('GET', `/v1/api-keys/${created.id}`, { key: partner.key });
    expect(get.body.previousSecretExpiresAt).toBe(at(30_000));
    expect(get.text).not.toContain(res.body.secret);
  });

  it('rotation grace is exact to the millisecond: the old secret works at +29.999 s and is 401 api_key_expired at +30 s', async () => {
    const created = await createKey({ name: 'Grace' });
    const old = created.secret;
    expect((await me(old)).status).toBe(200);
    const rotated = await gw.request('POST', `/v1/api-keys/${created.id}/rotate`, {
      key: partner.key,
      body: { gracePeriodSeconds: 30 },
    });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret;
    const graceEnd = at(30_000);
    expect(rotated.body.previousSecretExpiresAt).toBe(graceEnd);
    expect((await me(fresh)).status).toBe(200);

    gw.clock.advance(5_000);
    expect((await me(old)).status).toBe(200);
    expect(cached(old)).toBe(true);

    gw.clock.advance(24_999);
    const before = await me(old);
    expect(before.status).toBe(200);
    expect(before.body.apiKey.id).toBe(created.id);
    expect((await me(fresh)).status).toBe(200);

    gw.clock.advance(1);
    expect(gw.clock.now().toISOString()).toBe(graceEnd);
    // Still cached: the grace end is checked against the clock on every request.
    expect(cached(old)).toBe(true);
    const after = await me(old);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('api_key_expired');
    expect(after.body.detail).toContain(graceEnd);
    expect(after.headers.get('www-authenticate')).toContain('invalid_token');
    const still = await me(fresh);
    expect(still.status).toBe(200);
    expect(still.body.apiKey.id).toBe(created.id);
    const get = await gw.request('GET', `/v1/api-keys/${created.id}`, { key: partner.key });
    expect(get.body).toMatchObject({ status: 'active', previousSecretExpiresAt: null });
  });

  it('gracePeriodSeconds 0 ends the old secret at once, and the new one works', async () => {
    const created = await createKey({ name: 'No grace' });
    expect((await me(created.secret)).status).toBe(200);
    const rotated = await gw.request('POST', `/v1/api-keys/${created.id}/rotate`, {
      key: partner.key,
      body: { gracePeriodSeconds: 0 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.previousSecretExpiresAt).toBeNull();
    const old = await me(created.secret);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('api_key_expired');
    expect((await me(rotated.body.secret)).status).toBe(200);
  });

  it('gracePeriodSeconds defaults to 0', async () => {
    const created = await createKey({ name: 'Default grace' });
    const rotated = await gw.request('POST', `/v1/api-keys/${created.id}/rotate`, { key: partner.key, body: {} });
    expect(rotated.status).toBe(200);
    const old = await me(created.secret);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('api_key_expired');
  });

  it('rotating again never extends an older secret past its grace end', async () => {
    const created = await createKey({ name: 'Twice' });
    const first = await gw.request('POST', `/v1/api-keys/${created.id}/rotate`, {
      key: partner.key,
      body: { gracePeriodSeconds: 10 },
    });
    const second = await gw.request('POST', `/v1/api-keys/${created.id}/rotate`, {
      key: partner.key,
      body: { gracePeriodSeconds: 3600 },
    });
    expect(second.body.previousSecretExpiresAt).toBe(at(3_600_000));
    gw.clock.advance(10_000);
    const original = await me(created.secret);
    expect(original.status).toBe(401);
    expect(original.body.code).toBe('api_key_expired');
    expect((await me(first.body.secret)).status).toBe(200);
    expect((await me(second.body.secret)).status).toBe(200);
  });

  it('a key can rotate itself; its old secret lasts the grace period', async () => {
    const created = await createKey({ name: 'Self', scopes: ['keys:write'] });
    const rotated = await gw.request('POST', `/v1/api-keys/${created.id}/rotate`, {
      key: created.secret,
      body: { gracePeriodSeconds: 60 },
    });
    expect(rotated.status).toBe(200);
    expect((await me(created.secret)).status).toBe(200);
    gw.clock.advance(60_000);
    expect((await me(created.secret)).status).toBe(401);
    expect((await me(rotated.body.secret)).status).toBe(200);
  });
});

describe('api keys: expiry', () => {
  it('a key expiring at now+60 s works at +59.999 s and is 401 api_key_expired at +60 s, even from the cache', async () => {
    const expiresAt = at(60_000);
    const created = await createKey({ name: 'Short-lived', expiresAt });
    expect(created.expiresAt).toBe(expiresAt);
    expect((await me(created.secret)).status).toBe(200);
    expect(cached(created.secret)).toBe(true);

    gw.clock.advance(40_000);
    expect((await me(created.secret)).status).toBe(200);

    gw.clock.advance(19_999);
    expect(cached(created.secret)).toBe(true);
    const before = await me(created.secret);
    expect(before.status).toBe(200);
    expect(before.body.apiKey).toMatchObject({ status: 'active', expiresAt });

    gw.clock.advance(1);
    expect(cached(created.secret)).toBe(true);
    const after = await me(created.secret);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('api_key_expired');
    expect(after.body.detail).toContain(expiresAt);
    const get = await gw.request('GET', `/v1/api-keys/${created.id}`, { key: partner.key });
    expect(get.body.status).toBe('expired');
  });
});

describe('api keys: revocation', () => {
  it('revocation takes effect at once on this instance although the key was cached', async () => {
    const created = await createKey({ name: 'Doomed' });
    expect((await me(created.secret)).status).toBe(200);
    expect(cached(created.secret)).toBe(true);
    const res = await gw.request('POST', `/v1/api-keys/${created.id}/revoke`, { key: partner.key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, status: 'revoked', revokedAt: at(0) });
    expect(res.body).not.toHaveProperty('secret');
    const after = await me(created.secret);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('api_key_revoked');
    const get = await gw.request('GET', `/v1/api-keys/${created.id}`, { key: partner.key });
    expect(get.body).toMatchObject({ status: 'revoked', revokedAt: res.body.revokedAt });
  });

  it('revoking twice is 200 and harmless: revokedAt stays the first one', async () => {
    const created = await createKey({ name: 'Twice revoked' });
    const first = await gw.request('POST', `/v1/api-keys/${created.id}/revoke`, { key: partner.key });
    gw.clock.advance(5_000);
    const second = await gw.request('POST', `/v1/api-keys/${created.id}/revoke`, { key: partner.key });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect((await me(created.secret)).body.code).toBe('api_key_revoked');
  });

  it('revocation also ends a rotated-out secret still in its grace period', async () => {
    const created = await createKey({ name: 'Rotated then revoked' });
    const rotated = await gw.request('POST', `/v1/api-keys/${created.id}/rotate`, {
      key: partner.key,
      body: { gracePeriodSeconds: 3600 },
    });
    expect((await me(created.secret)).status).toBe(200);
    await gw.request('POST', `/v1/api-keys/${created.id}/revoke`, { key: partner.key });
    for (const secret of [created.secret, rotated.body.secret]) {
      const res = await me(secret);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('api_key_revoked');
    }
  });

  it('revoking a key leaves the account’s other keys working', async () => {
    const a = await createKey({ name: 'a' });
    const b = await createKey({ name: 'b' });
    await gw.request('POST', `/v1/api-keys/${a.id}/revoke`, { key: partner.key });
    expect((await me(b.secret)).status).toBe(200);
    expect((await me(partner.key)).status).toBe(200);
  });
});

describe('api keys: usage', () => {
  it("GET /v1/api-keys/{id}/usage counts today's requests, 4xx and 429 exactly, and lastUsedAt is set", async () => {
    const created = await gw.request('POST', '/v1/api-keys', {
      headers: { 'lendwire-account': partner.accountId },
      body: { name: 'Metered', scopes: ['*'], rateLimit: { requests: 3, windowSeconds: 60 } },
    });
    expect(created.status).toBe(201);
    const limited = created.body;
    const statuses: number[] = [];
    statuses.push((await me(limited.secret)).status);
    statuses.push(
      (await gw.request('GET', '/v1/customers/cus_01jd8x3k5w9q4r7t2m6n0p8s1v', { key: limited.secret })).status,
    );
    statuses.push(
      (await gw.request('GET', '/v1/api-keys/key_01jd8x3k5w9q4r7t2m6n0p8s1v', { key: limited.secret })).status,
    );
    const blocked = await me(limited.secret);
    statuses.push(blocked.status);
    statuses.push((await gw.request('GET', '/v1/customers', { key: limited.secret })).status);
    expect(statuses).toEqual([200, 404, 404, 429, 429]);
    expect(blocked.body.code).toBe('rate_limited');
    expect(blocked.headers.get('ratelimit-policy')).toBe('"key";q=3;w=60');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const usage = await gw.request('GET', `/v1/api-keys/${limited.id}/usage`, { key: partner.key });
    expect(usage.status).toBe(200);
    expect(usage.body).toEqual({
      object: 'api_key_usage',
      apiKey: limited.id,
      days: [
        {
          date: gw.clock.now().toISOString().slice(0, 10),
          requests: 5,
          clientErrors: 4,
          serverErrors: 0,
          rateLimited: 2,
        },
      ],
    });
    const key = await gw.request('GET', `/v1/api-keys/${limited.id}`, { key: partner.key });
    expect(key.body.lastUsedAt).toBe(gw.clock.now().toISOString());
  });

  it('usage of an unused key has no days and lastUsedAt stays null', async () => {
    const idle = await createKey({ name: 'Idle' });
    const usage = await gw.request('GET', `/v1/api-keys/${idle.id}/usage`, { key: partner.key });
    expect(usage.body).toEqual({ object: 'api_key_usage', apiKey: idle.id, days: [] });
    const key = await gw.request('GET', `/v1/api-keys/${idle.id}`, { key: partner.key });
    expect(key.body.lastUsedAt).toBeNull();
  });

  it('usage is kept per UTC day, newest first, and survives rotation', async () => {
    const daily = await createKey({ name: 'Daily' });
    await me(daily.secret);
    const dayOne = gw.clock.now().toISOString().slice(0, 10);
    gw.clock.advance(86_400_000);
    const rotated = await gw.request('POST', `/v1/api-keys/${daily.id}/rotate`, { key: partner.key, body: {} });
    await me(rotated.body.secret);
    await me(rotated.body.secret);
    const dayTwo = gw.clock.now().toISOString().slice(0, 10);
    const usage = await gw.request('GET', `/v1/api-keys/${daily.id}/usage`, { key: partner.key });
    expect(usage.body.days).toEqual([
      { date: dayTwo, requests: 2, clientErrors: 0, serverErrors: 0, rateLimited: 0 },
      { date: dayOne, requests: 1, clientErrors: 0, serverErrors: 0, rateLimited: 0 },
    ]);
    const lastDay = await gw.request('GET', `/v1/api-keys/${daily.id}/usage?days=1`, { key: partner.key });
    expect(lastDay.body.days.map((d: { date: string }) => d.date)).toEqual([dayTwo]);
  });
});
