import { generateApiKey } from '@lendwire/contract';
import { describe, expect, it } from 'vitest';

/**
 * The gateway's behaviour over HTTP, written once and run against every way it is deployed: the Node
 * entry (`startGateway` on Postgres) and the Worker on workerd (Miniflare, Postgres, Upstash REST).
 * It sees only a base URL and a root key, so whatever passes here behaves the same on both.
 */
export interface SuiteTarget {
  /** Base URL, without a trailing slash. */
  url: string;
  /** The platform's all-scope key (`LENDWIRE_ROOT_KEY`, registered by `lendwire migrate` or on start). */
  rootKey: string;
  /** The header the target reads the client's address from (`x-forwarded-for`, `cf-connecting-ip`). */
  clientIpHeader: string;
}

/**
 * Tier limits both targets are configured with (`LENDWIRE_RATELIMIT_TIERS`): `free` small enough to
 * run out in a test; the suite's other accounts are `scale`.
 */
export const SUITE_TIERS = {
  free: { requests: 5, windowSeconds: 60 },
  growth: { requests: 1_000, windowSeconds: 60 },
  scale: { requests: 10_000, windowSeconds: 60 },
};

/** What one call returned. */
export interface SuiteResponse {
  status: number;
  headers: Headers;
  // Response bodies are checked field by field with toMatchObject.
  body: any;
}

/** One partner account and its all-scope test key, made over HTTP with the root key. */
interface Partner {
  accountId: string;
  key: string;
  keyId: string;
}

let counter = 0;
const unique = () => `${Date.now().toString(36)}-${++counter}`;

/** Registers the shared behaviour tests; `target` is read when they run (after `beforeAll`). */
export function sharedGatewaySuite(target: () => SuiteTarget): void {
  async function call(
    method: string,
    path: string,
    options: { key?: string | null; body?: unknown; headers?: Record<string, string>; ip?: string } = {},
  ): Promise<SuiteResponse> {
    const { url, rootKey, clientIpHeader } = target();
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? rootKey : options.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (options.ip) headers[clientIpHeader] = options.ip;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  async function createPartner(tier: 'free' | 'growth' | 'scale' = 'scale'): Promise<Partner> {
    const account = await call('POST', '/v1/accounts', {
      body: { name: `Partner ${unique()}`, contactEmail: 'ops@partner.test', tier },
    });
    expect(account.status).toBe(201);
    const key = await createKey(account.body.id, { scopes: ['*'] });
    return { accountId: account.body.id, key: key.secret, keyId: key.id };
  }

  /** A key for `accountId`, made by the root key acting for it (`Lendwire-Account`). */
  async function createKey(
    accountId: string,
    params: Record<string, unknown>,
  ): Promise<{ id: string; secret: string }> {
    const res = await call('POST', '/v1/api-keys', {
      headers: { 'lendwire-account': accountId },
      body: { name: `key ${unique()}`, ...params },
    });
    expect(res.status).toBe(201);
    return { id: res.body.id, secret: res.body.secret };
  }

  const me = (key: string | null, ip?: string) => call('GET', '/v1/me', { key, ...(ip ? { ip } : {}) });

  describe('service routes', () => {
    it('/healthz answers, /readyz reports the database, the limiter and the job queues ready', async () => {
      expect((await call('GET', '/healthz', { key: null })).body).toEqual({ status: 'ok' });
      const ready = await call('GET', '/readyz', { key: null });
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ready');
      expect(ready.body.checks).toMatchObject({
        database: { ok: true },
        rateLimiter: { ok: true },
        jobs: { ok: true },
      });
    });

    it('an unknown route is a 404 route_not_found problem with a request id', async () => {
      const res = await call('GET', '/v1/nothing-here');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body).toMatchObject({ code: 'route_not_found', status: 404 });
      expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
    });
  });

  describe('authentication', () => {
    it('a valid key reaches /v1/me, with security headers and a request id', async () => {
      const res = await me(target().rootKey);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ object: 'me', account: { platform: true } });
      expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('no key, a malformed key and an unknown key get 401 problems with their codes', async () => {
      const missing = await me(null);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
      expect(missing.body.code).toBe('api_key_missing');
      const root = target().rootKey;
      const malformed = await me(`${root.slice(0, -1)}${root.at(-1) === 'A' ? 'B' : 'A'}`);
      expect(malformed.status).toBe(401);
      expect(malformed.body.code).toBe('api_key_malformed');
      const unknown = await me(generateApiKey('test'));
      expect(unknown.status).toBe(401);
      expect(unknown.body.code).toBe('api_key_invalid');
    });
  });

  describe('scopes', () => {
    it('a customers:read key lists customers; creating one is 403 insufficient_scope naming customers:write', async () => {
      const partner = await createPartner();
      const reader = await createKey(partner.accountId, { scopes: ['customers:read'] });
      expect((await call('GET', '/v1/customers', { key: reader.secret })).status).toBe(200);
      const refused = await call('POST', '/v1/customers', {
        key: reader.secret,
        body: { name: 'Ada Obi', email: 'ada@example.com' },
      });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('insufficient_scope');
      expect(refused.body.detail).toContain('customers:write');
      const other = await call('GET', '/v1/events', { key: reader.secret });
      expect(other.status).toBe(403);
    });
  });

  describe('key rotation and revocation', () => {
    it('after a rotation with grace both secrets work; rotated again without grace, the previous one is 401 api_key_expired', async () => {
      const partner = await createPartner();
      const key = await createKey(partner.accountId, { scopes: ['customers:read'] });
      expect((await me(key.secret)).status).toBe(200);
      const rotated = await call('POST', `/v1/api-keys/${key.id}/rotate`, {
        key: partner.key,
        body: { gracePeriodSeconds: 3600 },
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body.id).toBe(key.id);
      expect(rotated.body.secret).not.toBe(key.secret);
      expect(rotated.body.previousSecretExpiresAt).not.toBeNull();
      expect((await me(key.secret)).status).toBe(200);
      expect((await me(rotated.body.secret)).status).toBe(200);

      const again = await call('POST', `/v1/api-keys/${key.id}/rotate`, {
        key: partner.key,
        body: { gracePeriodSeconds: 0 },
      });
      expect(again.status).toBe(200);
      for (const old of [key.secret, rotated.body.secret]) {
        const res = await me(old);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('api_key_expired');
      }
      expect((await me(again.body.secret)).status).toBe(200);
    });

    it('a revoked key is refused at once with 401 api_key_revoked', async () => {
      const partner = await createPartner();
      const key = await createKey(partner.accountId, { scopes: ['customers:read'] });
      expect((await me(key.secret)).status).toBe(200);
      const revoked = await call('POST', `/v1/api-keys/${key.id}/revoke`, { key: partner.key });
      expect(revoked.status).toBe(200);
      expect(revoked.body.status).toBe('revoked');
      const res = await me(key.secret);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('api_key_revoked');
    });
  });

  describe('IP allowlist', () => {
    it('the client address (from the trusted header) inside the allowlist passes; outside it is 403 ip_not_allowed', async () => {
      const partner = await createPartner();
      const key = await createKey(partner.accountId, { scopes: ['customers:read'], ipAllowlist: ['203.0.113.0/24'] });
      expect((await me(key.secret, '203.0.113.7')).status).toBe(200);
      const outside = await me(key.secret, '198.51.100.7');
      expect(outside.status).toBe(403);
      expect(outside.body.code).toBe('ip_not_allowed');
      // No address at all is no address inside the list.
      expect((await me(key.secret)).status).toBe(403);
    });
  });

  describe('rate limits', () => {
    it('each response carries its tier policy and what is left; past the free tier, 429 rate_limited with Retry-After', async () => {
      const growth = await createPartner('growth');
      const first = await me(growth.key);
      expect(first.headers.get('ratelimit-policy')).toBe('"growth";q=1000;w=60');
      expect(first.headers.get('ratelimit')).toMatch(/^"growth";r=999;t=\d+$/);

      const free = await createPartner('free');
      const { requests } = SUITE_TIERS.free;
      for (let i = 1; i <= requests; i++) {
        const res = await me(free.key);
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit-policy')).toBe(`"free";q=${requests};w=60`);
        expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"free";r=${requests - i};t=\\d+$`));
      }
      const refused = await me(free.key);
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.headers.get('ratelimit')).toMatch(/^"free";r=0;t=\d+$/);
      // Another account's budget is its own.
      expect((await me(growth.key)).status).toBe(200);
    });
  });

  describe('idempotency', () => {
    it('the same Idempotency-Key and body replay the stored response; another body with it is 422', async () => {
      const partner = await createPartner();
      const headers = { 'idempotency-key': `suite-${unique()}` };
      const body = { name: 'Chidi Okeke', email: 'chidi@example.com' };
      const first = await call('POST', '/v1/customers', { key: partner.key, headers, body });
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const replay = await call('POST', '/v1/customers', { key: partner.key, headers, body });
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.id).toBe(first.body.id);
      const reused = await call('POST', '/v1/customers', {
        key: partner.key,
        headers,
        body: { ...body, name: 'Someone Else' },
      });
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('idempotency_key_reused');
      const list = await call('GET', '/v1/customers', { key: partner.key });
      expect(list.body.data).toHaveLength(1);
    });
  });

  describe('customers', () => {
    it('create, retrieve (with ETag and 304), update and list; another account sees 404', async () => {
      const partner = await createPartner();
      const created = await call('POST', '/v1/customers', {
        key: partner.key,
        body: { name: 'Ngozi Eze', email: 'ngozi@example.com', phone: '+2348012345678' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ object: 'customer', name: 'Ngozi Eze', livemode: false });
      expect(created.body.id).toMatch(/^cus_/);

      const got = await call('GET', `/v1/customers/${created.body.id}`, { key: partner.key });
      expect(got.status).toBe(200);
      expect(got.body).toEqual(created.body);
      const etag = got.headers.get('etag');
      expect(etag).toMatch(/^W\/"/);
      const unchanged = await fetch(`${target().url}/v1/customers/${created.body.id}`, {
        headers: { authorization: `Bearer ${partner.key}`, 'if-none-match': etag! },
      });
      expect(unchanged.status).toBe(304);

      const updated = await call('PATCH', `/v1/customers/${created.body.id}`, {
        key: partner.key,
        body: { name: 'Ngozi Eze-Obi' },
      });
      expect(updated.status).toBe(200);
      expect(updated.body.name).toBe('Ngozi Eze-Obi');
      const second = await call('POST', '/v1/customers', { key: partner.key, body: { name: 'Emeka Obi' } });
      const list = await call('GET', '/v1/customers?limit=1', { key: partner.key });
      expect(list.body).toMatchObject({ object: 'list', hasMore: true });
      expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([second.body.id]);

      const stranger = await createPartner();
      const hidden = await call('GET', `/v1/customers/${created.body.id}`, { key: stranger.key });
      expect(hidden.status).toBe(404);
      expect(hidden.body.code).toBe('not_found');
    });

    it('a bad body is a 400 validation_failed naming each field', async () => {
      const partner = await createPartner();
      const res = await call('POST', '/v1/customers', { key: partner.key, body: { email: 'not-an-email', extra: 1 } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      const paths = res.body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.email']));
    });
  });

  describe('wallets and withdrawals', () => {
    it('a withdrawal reserves amount + fee, writes withdrawal.created, and is paid out by a worker (withdrawal.succeeded)', async () => {
      const partner = await createPartner();
      const fund = await call('POST', '/v1/test-helpers/wallets/fund', { key: partner.key, body: { amount: 500_000 } });
      expect(fund.status).toBe(200);
      const bank = await call('POST', '/v1/bank-accounts', {
        key: partner.key,
        body: { bankCode: '058', accountNumber: '0123451234', accountName: 'Ada Obi', currency: 'NGN' },
      });
      expect(bank.status).toBe(201);
      expect(bank.body).toMatchObject({ object: 'bank_account', last4: '1234' });

      const withoutKey = await call('POST', '/v1/withdrawals', {
        key: partner.key,
        body: { amount: 100_000, bankAccountId: bank.body.id },
      });
      expect(withoutKey.status).toBe(400);

      const headers = { 'idempotency-key': `suite-wd-${unique()}` };
      const wd = await call('POST', '/v1/withdrawals', {
        key: partner.key,
        headers,
        body: { amount: 100_000, bankAccountId: bank.body.id },
      });
      expect(wd.status).toBe(201);
      expect(wd.body).toMatchObject({
        object: 'withdrawal',
        amount: { amount: 100_000, currency: 'NGN' },
        fee: { amount: 1_250, currency: 'NGN' },
        bankAccountId: bank.body.id,
      });
      expect(['pending', 'processing', 'succeeded']).toContain(wd.body.status);
      const replay = await call('POST', '/v1/withdrawals', {
        key: partner.key,
        headers,
        body: { amount: 100_000, bankAccountId: bank.body.id },
      });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.id).toBe(wd.body.id);

      // The job was written with the withdrawal; a Node worker on the same database pays it out.
      const deadline = Date.now() + 20_000;
      let status = wd.body.status as string;
      while (status !== 'succeeded' && status !== 'failed') {
        if (Date.now() > deadline) throw new Error(`withdrawal ${wd.body.id} still ${status} after 20 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = (await call('GET', `/v1/withdrawals/${wd.body.id}`, { key: partner.key })).body.status;
      }
      expect(status).toBe('succeeded');

      const wallet = (await call('GET', '/v1/wallets', { key: partner.key })).body.data[0];
      expect(wallet).toMatchObject({ available: { amount: 500_000 - 101_250 }, pending: { amount: 0 } });
      const events = await call('GET', '/v1/events?type=withdrawal.*', { key: partner.key });
      expect(events.body.data.map((e: { type: string }) => e.type)).toEqual([
        'withdrawal.succeeded',
        'withdrawal.created',
      ]);
      const created = events.body.data[1];
      expect(created.data.object.id).toBe(wd.body.id);
      expect(created.request).toMatchObject({ idempotencyKey: headers['idempotency-key'] });
      expect(created.request.id).toBe(wd.headers.get('x-request-id'));
    });

    it('more than the wallet holds is 422 insufficient_funds, and nothing moves', async () => {
      const partner = await createPartner();
      await call('POST', '/v1/test-helpers/wallets/fund', { key: partner.key, body: { amount: 10_000 } });
      const bank = await call('POST', '/v1/bank-accounts', {
        key: partner.key,
        body: { bankCode: '058', accountNumber: '0123459999', accountName: 'Ada Obi', currency: 'NGN' },
      });
      const wd = await call('POST', '/v1/withdrawals', {
        key: partner.key,
        headers: { 'idempotency-key': `suite-wd-${unique()}` },
        body: { amount: 10_000, bankAccountId: bank.body.id },
      });
      expect(wd.status).toBe(422);
      expect(wd.body.code).toBe('insufficient_funds');
      const wallet = (await call('GET', '/v1/wallets', { key: partner.key })).body.data[0];
      expect(wallet).toMatchObject({ available: { amount: 10_000 }, pending: { amount: 0 } });
    });
  });

  describe('usage', () => {
    it("a key's requests are counted per day", async () => {
      const partner = await createPartner();
      for (let i = 0; i < 3; i++) await me(partner.key);
      const usage = await call('GET', `/v1/api-keys/${partner.keyId}/usage`, { key: partner.key });
      expect(usage.status).toBe(200);
      expect(usage.body.object).toBe('api_key_usage');
      const today = usage.body.days.find((d: { date: string }) => d.date === new Date().toISOString().slice(0, 10));
      expect(today?.requests).toBeGreaterThanOrEqual(3);
    });
  });
}
