import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const createAccount = (name: string, extra: Record<string, unknown> = {}) =>
  gw.request('POST', '/v1/accounts', { body: { name, contactEmail: `${name.toLowerCase()}@example.com`, ...extra } });

describe('accounts: happy paths', () => {
  it('POST /v1/accounts creates an active partner account on the free tier by default', async () => {
    const res = await gw.request('POST', '/v1/accounts', {
      body: { name: 'Kola Stores', contactEmail: 'ops@kola.example', metadata: { region: 'lagos' } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^acct_[0-9a-z]{26}$/),
      object: 'account',
      name: 'Kola Stores',
      contactEmail: 'ops@kola.example',
      tier: 'free',
      status: 'active',
      platform: false,
      metadata: { region: 'lagos' },
      createdAt: gw.clock.now().toISOString(),
      updatedAt: gw.clock.now().toISOString(),
    });
    expect(res.headers.get('ratelimit-policy')).toBe('"scale";q=50000;w=60');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('POST /v1/accounts takes a tier and trims the name', async () => {
    const res = await gw.request('POST', '/v1/accounts', {
      body: { name: '  Growthy  ', contactEmail: 'g@example.com', tier: 'growth' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Growthy', tier: 'growth' });
  });

  it('GET /v1/accounts/{id} returns the account, with an ETag and 304 on If-None-Match', async () => {
    const created = await createAccount('Fetchme');
    const res = await gw.request('GET', `/v1/accounts/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created.body);
    const tag = res.headers.get('etag');
    expect(tag).toMatch(/^W\/"[0-9a-f]{32}"$/);
    const again = await gw.request('GET', `/v1/accounts/${created.body.id}`, { headers: { 'if-none-match': tag! } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('GET /v1/accounts/{id} returns the platform account too', async () => {
    const res = await gw.request('GET', `/v1/accounts/${gw.platformId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: gw.platformId, platform: true, status: 'active', tier: 'scale' });
  });

  it('GET /v1/accounts pages newest first with a stable cursor', async () => {
    const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
    const ids: string[] = [];
    for (const name of names) ids.push((await createAccount(name)).body.id);
    const first = await gw.request('GET', '/v1/accounts?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.object).toBe('list');
    expect(first.body.data.map((a: { name: string }) => a.name)).toEqual(['a5', 'a4']);
    expect(first.body).toMatchObject({ hasMore: true, nextCursor: ids[3] });
    // An account created between pages must not shift the next page.
    await createAccount('late');
    const second = await gw.request('GET', `/v1/accounts?limit=2&startingAfter=${first.body.nextCursor}`);
    expect(second.body.data.map((a: { name: string }) => a.name)).toEqual(['a3', 'a2']);
    const third = await gw.request('GET', `/v1/accounts?limit=1&startingAfter=${second.body.nextCursor}`);
    expect(third.body.data.map((a: { name: string }) => a.name)).toEqual(['a1']);
    // Older accounts (the platform account at least) follow.
    expect(third.body.hasMore).toBe(true);
  });

  it('GET /v1/accounts ends with the platform account and hasMore false', async () => {
    const seen: { id: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await gw.request('GET', `/v1/accounts?limit=100${cursor ? `&startingAfter=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data);
      cursor = page.body.nextCursor;
      if (!page.body.hasMore) expect(cursor).toBeNull();
    } while (cursor);
    expect(seen.at(-1)!.id).toBe(gw.platformId);
    expect(new Set(seen.map((a) => a.id)).size).toBe(seen.length);
  });

  it('PATCH /v1/accounts/{id} changes only the fields sent', async () => {
    const created = await createAccount('Patchme', { metadata: { a: '1' } });
    gw.clock.advance(1000);
    const res = await gw.request('PATCH', `/v1/accounts/${created.body.id}`, {
      body: { contactEmail: 'new@example.com', metadata: { b: '2' } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: created.body.id,
      name: 'Patchme',
      contactEmail: 'new@example.com',
      tier: 'free',
      metadata: { b: '2' },
    });
    expect(res.body.createdAt).toBe(created.body.createdAt);
    expect(res.body.updatedAt > created.body.updatedAt).toBe(true);
    const seen = await gw.request('GET', `/v1/accounts/${created.body.id}`);
    expect(seen.body).toEqual(res.body);
  });

  it("a tier change takes effect at once on the RateLimit-Policy of that account's (cached) keys", async () => {
    const partner = await gw.createPartner();
    const before = await gw.request('GET', '/v1/customers', { key: partner.key });
    expect(before.headers.get('ratelimit-policy')).toBe('"free";q=10000;w=60');
    const res = await gw.request('PATCH', `/v1/accounts/${partner.accountId}`, { body: { tier: 'growth' } });
    expect(res.status).toBe(200);
    expect(res.body.tier).toBe('growth');
    const after = await gw.request('GET', '/v1/customers', { key: partner.key });
    expect(after.status).toBe(200);
    expect(after.headers.get('ratelimit-policy')).toBe('"growth";q=20000;w=60');
    expect(after.headers.get('ratelimit')).toMatch(/^"growth";r=\d+;t=\d+$/);
    const me = await gw.request('GET', '/v1/me', { key: partner.key });
    expect(me.body).toMatchObject({ tier: 'growth', rateLimit: { policy: 'growth', requests: 20_000 } });
  });

  it('a tier change leaves a per-key override alone', async () => {
    const partner = await gw.createPartner();
    const limited = await gw.createKey(partner.accountId, { rateLimit: { requests: 50, windowSeconds: 60 } });
    await gw.request('PATCH', `/v1/accounts/${partner.accountId}`, { body: { tier: 'scale' } });
    const res = await gw.request('GET', '/v1/me', { key: limited.secret });
    expect(res.headers.get('ratelimit-policy')).toBe('"key";q=50;w=60');
    expect(res.body.tier).toBe('scale');
  });
});

describe('accounts: suspension', () => {
  let partner: Partner;
  beforeAll(async () => {
    partner = await gw.createPartner({ name: 'Suspendable' });
  });

  it('POST /v1/accounts/{id}/suspend suspends: 403 account_suspended on /v1/customers, 200 on /v1/me', async () => {
    // Called first so the key sits in the in-process cache: suspension must still apply at once.
    const warm = await gw.request('GET', '/v1/customers', { key: partner.key });
    expect(warm.status).toBe(200);
    gw.clock.advance(1000);
    const res = await gw.request('POST', `/v1/accounts/${partner.accountId}/suspend`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: partner.accountId, object: 'account', status: 'suspended' });
    const customers = await gw.request('GET', '/v1/customers', { key: partner.key });
    expect(customers.status).toBe(403);
    expect(customers.body.code).toBe('account_suspended');
    expect(customers.body.detail).toContain(partner.accountId);
    const me = await gw.request('GET', '/v1/me', { key: partner.key });
    expect(me.status).toBe(200);
    expect(me.body.account.status).toBe('suspended');
  });

  it('suspending again is 200 and changes nothing', async () => {
    const first = await gw.request('GET', `/v1/accounts/${partner.accountId}`);
    expect(first.body.status).toBe('suspended');
    gw.clock.advance(1000);
    const res = await gw.request('POST', `/v1/accounts/${partner.accountId}/suspend`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(first.body);
  });

  it('a platform key acting for the suspended account gets 403 account_suspended', async () => {
    const res = await gw.request('GET', '/v1/customers', { headers: { 'lendwire-account': partner.accountId } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_suspended');
  });

  it('POST /v1/accounts/{id}/unsuspend restores access at once', async () => {
    const res = await gw.request('POST', `/v1/accounts/${partner.accountId}/unsuspend`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('active');
    const customers = await gw.request('GET', '/v1/customers', { key: partner.key });
    expect(customers.status).toBe(200);
    const acting = await gw.request('GET', '/v1/customers', { headers: { 'lendwire-account': partner.accountId } });
    expect(acting.status).toBe(200);
  });

  it('unsuspending again is 200 and changes nothing', async () => {
    const before = await gw.request('GET', `/v1/accounts/${partner.accountId}`);
    gw.clock.advance(1000);
    const res = await gw.request('POST', `/v1/accounts/${partner.accountId}/unsuspend`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(before.body);
  });

  it('unsuspending the (always active) platform account is a harmless no-op', async () => {
    const before = await gw.request('GET', `/v1/accounts/${gw.platformId}`);
    const res = await gw.request('POST', `/v1/accounts/${gw.platformId}/unsuspend`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(before.body);
  });
});
