import { generateId } from '@lendwire/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  AuthenticationError,
  type Customer,
  NotFoundError,
  Page,
  PermissionDeniedError,
} from '../src/index.js';
import { type E2EGateway, type Partner, startE2EGateway } from './support/gateway.js';

let gw: E2EGateway;
let partner: Partner;

beforeAll(async () => {
  gw = await startE2EGateway();
  partner = await gw.createPartner('Acme Vendors');
});
afterAll(() => gw?.close());

describe('me', () => {
  it('retrieves the root key: platform account, every scope', async () => {
    const me = await gw.root.me.retrieve();
    expect(me).toMatchObject({ object: 'me', actingAs: null, livemode: false, tier: 'scale' });
    expect(me.account.platform).toBe(true);
    expect(me.apiKey.id).toBe(gw.running.rootKey.keyId);
    expect(me.scopes).toEqual(expect.arrayContaining(['accounts:admin', 'customers:write', 'keys:write']));
  });

  it('retrieves a partner key: its account, no platform scopes', async () => {
    const me = await partner.client.me.retrieve();
    expect(me.account).toMatchObject({ id: partner.id, platform: false, name: 'Acme Vendors', tier: 'growth' });
    expect(me.apiKey.id).toBe(partner.keyId);
    expect(me.scopes).toContain('customers:write');
    expect(me.scopes).not.toContain('accounts:admin');
    expect(me.rateLimit).toEqual({ policy: 'growth', requests: 1_000, windowSeconds: 60 });
  });

  it('acts for a partner with the client’s account and with a request’s account', async () => {
    const acting = gw.client(gw.rootKey, { account: partner.id });
    expect(await acting.me.retrieve()).toMatchObject({ actingAs: partner.id, account: { id: partner.id } });
    expect(await gw.root.me.retrieve({ account: partner.id })).toMatchObject({ actingAs: partner.id });
    expect(await gw.root.me.retrieve()).toMatchObject({ actingAs: null });
  });
});

describe('accounts', () => {
  let account: Account;

  it('creates, retrieves and updates an account', async () => {
    account = await gw.root.accounts.create({
      name: 'Bola Stores',
      contactEmail: 'ops@bola.test',
      metadata: { region: 'lagos' },
    });
    expect(account).toMatchObject({
      object: 'account',
      name: 'Bola Stores',
      contactEmail: 'ops@bola.test',
      tier: 'free',
      status: 'active',
      platform: false,
      metadata: { region: 'lagos' },
    });
    expect(account.id).toMatch(/^acct_/);
    expect(await gw.root.accounts.retrieve(account.id)).toEqual(account);

    const updated = await gw.root.accounts.update(account.id, { tier: 'scale', name: 'Bola Stores Ltd' });
    expect(updated).toMatchObject({
      id: account.id,
      tier: 'scale',
      name: 'Bola Stores Ltd',
      contactEmail: 'ops@bola.test',
    });
    expect(await gw.root.accounts.retrieve(account.id)).toEqual(updated);
  });

  it('lists accounts newest first, across pages', async () => {
    const all = await gw.root.accounts.list({ limit: 1 }).toArray();
    const ids = all.map((a) => a.id);
    expect(ids.indexOf(account.id)).toBeLessThan(ids.indexOf(partner.id));
    expect(all.some((a) => a.platform)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('suspends an account, cutting its keys off everywhere but /v1/me, and unsuspends it', async () => {
    const victim = await gw.createPartner('Suspended Co');
    const suspended = await gw.root.accounts.suspend(victim.id);
    expect(suspended).toMatchObject({ id: victim.id, status: 'suspended' });
    const error = await victim.client.customers.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, code: 'account_suspended' });
    expect((await victim.client.me.retrieve()).account.status).toBe('suspended');

    const restored = await gw.root.accounts.unsuspend(victim.id);
    expect(restored.status).toBe('active');
    expect((await victim.client.customers.list()).data).toEqual([]);
  });
});

describe('api keys', () => {
  it('creates a key whose secret works, and retrieves it without the secret', async () => {
    const created = await partner.client.apiKeys.create({
      name: 'reporting',
      scopes: ['customers:read'],
      metadata: { team: 'data' },
    });
    expect(created).toMatchObject({
      object: 'api_key',
      account: partner.id,
      name: 'reporting',
      scopes: ['customers:read'],
      status: 'active',
      livemode: false,
    });
    expect(created.secret).toMatch(/^lw_test_[0-9A-Za-z]{36}$/);
    expect(created.start).toBe(created.secret.slice(0, created.start.length));

    const retrieved = await partner.client.apiKeys.retrieve(created.id);
    expect(retrieved).not.toHaveProperty('secret');
    const { secret: _secret, ...withoutSecret } = created;
    expect(retrieved).toMatchObject({ ...withoutSecret, lastUsedAt: null });

    const me = await gw.client(created.secret).me.retrieve();
    expect(me.apiKey.id).toBe(created.id);
  });

  it('lists the account’s keys across pages', async () => {
    const keys = await partner.client.apiKeys.list({ limit: 1 }).toArray();
    expect(keys.map((k) => k.id)).toContain(partner.keyId);
    expect(keys.every((k) => k.account === partner.id)).toBe(true);
    expect(keys.length).toBeGreaterThanOrEqual(2);
  });

  it('rotates a key: the new secret works, the old one gets 401 api_key_expired', async () => {
    const key = await partner.client.apiKeys.create({ name: 'to rotate', scopes: ['customers:read'] });
    const rotated = await partner.client.apiKeys.rotate(key.id, { gracePeriodSeconds: 0 });
    expect(rotated.id).toBe(key.id);
    expect(rotated.secret).not.toBe(key.secret);
    expect(rotated.rotatedAt).not.toBeNull();

    expect((await gw.client(rotated.secret).me.retrieve()).apiKey.id).toBe(key.id);
    const error = await gw
      .client(key.secret)
      .me.retrieve()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'api_key_expired' });
  });

  it('rotates with a grace period: both secrets work meanwhile', async () => {
    const key = await partner.client.apiKeys.create({ name: 'graceful', scopes: ['customers:read'] });
    const rotated = await partner.client.apiKeys.rotate(key.id, { gracePeriodSeconds: 3_600 });
    expect(rotated.previousSecretExpiresAt).not.toBeNull();
    expect((await gw.client(key.secret).me.retrieve()).apiKey.id).toBe(key.id);
    expect((await gw.client(rotated.secret).me.retrieve()).apiKey.id).toBe(key.id);
  });

  it('revokes a key', async () => {
    const key = await partner.client.apiKeys.create({ name: 'to revoke', scopes: ['customers:read'] });
    const revoked = await partner.client.apiKeys.revoke(key.id);
    expect(revoked).toMatchObject({ id: key.id, status: 'revoked' });
    expect(revoked.revokedAt).not.toBeNull();
    expect(await partner.client.apiKeys.retrieve(key.id)).toMatchObject({ status: 'revoked' });
  });

  it('reports usage per day, counting the key’s requests and errors', async () => {
    const key = await partner.client.apiKeys.create({ name: 'metered', scopes: ['customers:read'] });
    const metered = gw.client(key.secret, { maxRetries: 0 });
    await metered.customers.list();
    await metered.customers.list();
    await expect(metered.customers.retrieve(generateId('customer'))).rejects.toBeInstanceOf(NotFoundError);

    const usage = await partner.client.apiKeys.usage(key.id, { days: 7 });
    expect(usage).toMatchObject({ object: 'api_key_usage', apiKey: key.id });
    const today = new Date().toISOString().slice(0, 10);
    const day = usage.days.find((d) => d.date === today);
    expect(day).toMatchObject({ requests: 3, clientErrors: 1, serverErrors: 0, rateLimited: 0 });
  });
});

describe('customers', () => {
  it('creates, retrieves and updates a customer; null clears a field', async () => {
    const created = await partner.client.customers.create({
      name: 'Ada Obi',
      email: 'ada@example.com',
      phone: '+2348012345678',
      metadata: { ref: 'A1' },
    });
    expect(created).toMatchObject({
      object: 'customer',
      name: 'Ada Obi',
      email: 'ada@example.com',
      phone: '+2348012345678',
      metadata: { ref: 'A1' },
      livemode: false,
    });
    expect(created.id).toMatch(/^cus_/);
    expect(await partner.client.customers.retrieve(created.id)).toEqual(created);

    const updated = await partner.client.customers.update(created.id, { phone: null, name: 'Ada O.' });
    expect(updated).toMatchObject({ id: created.id, name: 'Ada O.', phone: null, email: 'ada@example.com' });
    expect(await partner.client.customers.retrieve(created.id)).toEqual(updated);
  });

  it('pages through customers with for await, toArray and iterPages', async () => {
    const shop = await gw.createPartner('Paging Shop');
    const made: Customer[] = [];
    for (let i = 1; i <= 5; i++) made.push(await shop.client.customers.create({ name: `Customer ${i}` }));
    const newestFirst = made.map((c) => c.id).reverse();

    const seen: string[] = [];
    for await (const c of shop.client.customers.list({ limit: 2 })) seen.push(c.id);
    expect(seen).toEqual(newestFirst);

    expect((await shop.client.customers.list({ limit: 2 }).toArray({ limit: 3 })).map((c) => c.id)).toEqual(
      newestFirst.slice(0, 3),
    );

    const first = await shop.client.customers.list({ limit: 2 });
    expect(first).toBeInstanceOf(Page);
    const sizes: number[] = [];
    for await (const page of first.iterPages()) sizes.push(page.data.length);
    expect(sizes).toEqual([2, 2, 1]);

    const rest = await shop.client.customers.list({ limit: 2, startingAfter: newestFirst[1] }).toArray();
    expect(rest.map((c) => c.id)).toEqual(newestFirst.slice(2));
  });

  it('gives the real request id and rate-limit state with .withResponse()', async () => {
    const { data, response, requestId, rateLimit } = await partner.client.customers
      .create({ name: 'Chidi' })
      .withResponse();
    expect(data.name).toBe('Chidi');
    expect(response.status).toBe(201);
    expect(requestId).toMatch(/^req_/);
    expect(requestId).toBe(response.headers.get('x-request-id'));
    expect(rateLimit).toMatchObject({ policy: 'growth', limit: 1_000, windowSeconds: 60 });
    expect(rateLimit!.remaining).toBeGreaterThan(900);
    expect(rateLimit!.resetSeconds).toBeGreaterThanOrEqual(0);
    expect(rateLimit!.resetSeconds).toBeLessThanOrEqual(60);

    const list = await partner.client.customers.list({ limit: 1 }).withResponse();
    expect(list.data).toBeInstanceOf(Page);
    expect(list.requestId).toMatch(/^req_/);
    expect(list.rateLimit).toMatchObject({ policy: 'growth', remaining: expect.any(Number) });
  });

  it('reports the gateway’s own request id, never a caller-sent X-Request-Id', async () => {
    const { requestId } = await partner.client.customers
      .list({}, { headers: { 'X-Request-Id': 'order-77' } })
      .withResponse();
    expect(requestId).toMatch(/^req_[0-9a-f]{32}$/);
    const error = await partner.client.customers
      .retrieve(generateId('customer'), { headers: { 'X-Request-Id': 'order-78' } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404, requestId: expect.stringMatching(/^req_[0-9a-f]{32}$/) });
  });

  it('lets the platform act for a partner with a request’s account', async () => {
    const made = await gw.root.customers.create({ name: 'Made by platform' }, { account: partner.id });
    expect(await partner.client.customers.retrieve(made.id)).toEqual(made);
    expect(await gw.root.customers.retrieve(made.id, { account: partner.id })).toEqual(made);
    const updated = await gw.root.customers.update(made.id, { email: 'p@example.com' }, { account: partner.id });
    expect(updated.email).toBe('p@example.com');
    // Without the header the platform sees its own customers only.
    await expect(gw.root.customers.retrieve(made.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('does not let one partner see another’s customers', async () => {
    const other = await gw.createPartner('Other Partner');
    const mine = await partner.client.customers.create({ name: 'Private' });
    const error = await other.client.customers.retrieve(mine.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
    expect((await other.client.customers.list().toArray()).map((c) => c.id)).not.toContain(mine.id);
  });
});

describe('idempotency through the SDK', () => {
  it('returns the same customer for the same explicit key, and creates only one', async () => {
    const shop = await gw.createPartner('Idempotent Shop');
    const first = await shop.client.customers.create({ name: 'Once' }, { idempotencyKey: 'signup-123' });
    const again = await shop.client.customers.create({ name: 'Once' }, { idempotencyKey: 'signup-123' }).withResponse();
    expect(again.data).toEqual(first);
    expect(again.response.status).toBe(201);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    // A replay is a new request: its own request id and rate-limit state.
    expect(again.requestId).toMatch(/^req_/);
    expect(again.rateLimit).toMatchObject({ policy: 'growth', limit: 1_000 });
    expect((await shop.client.customers.list().toArray()).map((c) => c.id)).toEqual([first.id]);
  });

  it('creates two customers for two calls without a key (each gets its own)', async () => {
    const shop = await gw.createPartner('Two Calls Shop');
    const a = await shop.client.customers.create({ name: 'Twin' });
    const b = await shop.client.customers.create({ name: 'Twin' });
    expect(a.id).not.toBe(b.id);
    expect(await shop.client.customers.list().toArray()).toHaveLength(2);
  });
});
