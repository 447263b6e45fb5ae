import { type ApiKeyWithSecret, EventSchema, generateApiKey, generateId } from '@lendwire/contract';
import { count, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema, type TenantScope } from '../src/index.js';
import { openTestStore, type TestStore } from './support.js';

let store: TestStore;
let n = 0;

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store.close());

const request = { id: 'req_lifecycle', idempotencyKey: 'idem-lifecycle' };

/** A new partner account and its test-mode tenant. */
async function partner() {
  const account = await store.services.accounts.create({ name: `L${++n}`, contactEmail: 'l@example.com' });
  const scope: TenantScope = { accountId: account.id, livemode: false };
  return { account, scope };
}

async function eventsOf(scope: TenantScope, type?: string) {
  return (await store.services.events.list(scope, { limit: 100, type })).data;
}

/** Every event in the store, whatever its tenant: a refused action must not add to it. */
async function totalEvents(): Promise<number> {
  const [row] = await store.services.ctx.db.select({ n: count() }).from(schema.events);
  return Number(row!.n);
}

/** The public key as an event carries it: everything the response had but the secret. */
function withoutSecret(key: ApiKeyWithSecret) {
  const { secret: _secret, ...rest } = key;
  return rest;
}

/** No event reveals a secret, its hash, or more of a key than its 12-character display `start`. */
function expectNoSecrets(events: unknown[], secrets: string[]) {
  const text = JSON.stringify(events);
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(store.services.ctx.hash(secret));
  }
  expect(text).not.toMatch(/lw_(test|live)_[0-9A-Za-z]{5,}/);
  expect(text).not.toMatch(/"(secret|hash)"/);
}

/** Each event is a valid member of the catalogue and its object has no `secret` field at all. */
function expectCatalogued(events: { data: unknown }[]) {
  for (const event of events) {
    expect(EventSchema.safeParse(event).success).toBe(true);
    expect((event.data as { object: object }).object).not.toHaveProperty('secret');
  }
}

/**
 * Makes the database refuse `account`'s events (a trigger), except a test-mode `account.suspended`,
 * so an action that writes several events fails on its second one. Returns the cleanup.
 */
async function refuseEventsOf(account: string): Promise<() => Promise<void>> {
  const { db } = store.services.ctx;
  await db.execute(
    sql.raw(`create function refuse_event() returns trigger language plpgsql as $$
      begin
        if new.account_id = '${account}' and (new.type <> 'account.suspended' or new.livemode) then
          raise exception 'event refused by the test';
        end if;
        return new;
      end $$`),
  );
  await db.execute(
    sql.raw('create trigger refuse_event before insert on events for each row execute function refuse_event()'),
  );
  return async () => {
    await db.execute(sql.raw('drop trigger refuse_event on events'));
    await db.execute(sql.raw('drop function refuse_event()'));
  };
}

async function newKey(scope: TenantScope, name = 'k') {
  return store.services.apiKeys.create(scope, { name, scopes: ['customers:read'] }, request);
}

describe('api_key events', () => {
  it('create writes one api_key.created in the key’s tenant, carrying the key without its secret', async () => {
    const { scope } = await partner();
    const key = await newKey(scope);
    const events = await eventsOf(scope);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'api_key.created',
      livemode: false,
      account: scope.accountId,
      data: { object: withoutSecret(key) },
      request,
    });
    expect(events[0]!.data).not.toHaveProperty('previousAttributes');
    expectCatalogued(events);
    expectNoSecrets(events, [key.secret]);
  });

  it('a live key’s api_key.created is in live mode only', async () => {
    const { scope } = await partner();
    const live = { ...scope, livemode: true };
    const key = await newKey(live);
    expect(key.secret.startsWith('lw_live_')).toBe(true);
    expect(await eventsOf(scope)).toEqual([]);
    const events = await eventsOf(live);
    expect(events.map((e) => [e.type, e.livemode])).toEqual([['api_key.created', true]]);
    expectNoSecrets(events, [key.secret]);
  });

  it('ensureKeyForSecret writes api_key.created only when it creates the key', async () => {
    const { scope } = await partner();
    const secret = generateApiKey('test');
    const params = { name: 'bootstrap', scopes: ['customers:read' as const] };
    const first = await store.services.apiKeys.ensureKeyForSecret(scope.accountId, secret, params);
    const again = await store.services.apiKeys.ensureKeyForSecret(scope.accountId, secret, params);
    expect(again.id).toBe(first.id);
    const events = await eventsOf(scope);
    expect(events.map((e) => e.type)).toEqual(['api_key.created']);
    expect(events[0]!.data.object).toEqual(first);
    expect(events[0]!.request).toBeNull();
    expectCatalogued(events);
    expectNoSecrets(events, [secret]);
  });

  it('rotate writes one api_key.rotated with the previous start and rotation times, never a secret', async () => {
    const { scope } = await partner();
    const key = await newKey(scope);
    store.clock.advance(1_000);
    const rotated = (await store.services.apiKeys.rotate(scope, key.id, 60, request))!;
    expect(rotated.start).not.toBe(key.start);
    const events = await eventsOf(scope, 'api_key.rotated');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ data: { object: withoutSecret(rotated) }, request });
    expect(events[0]!.data.previousAttributes).toEqual({
      start: key.start,
      rotatedAt: null,
      previousSecretExpiresAt: null,
    });

    store.clock.advance(1_000);
    const twice = (await store.services.apiKeys.rotate(scope, key.id, 0))!;
    const both = await eventsOf(scope, 'api_key.rotated');
    expect(both).toHaveLength(2);
    expect(both[0]!.data.previousAttributes).toEqual({
      start: rotated.start,
      rotatedAt: rotated.rotatedAt,
      previousSecretExpiresAt: rotated.previousSecretExpiresAt,
    });
    const all = await eventsOf(scope);
    expectCatalogued(all);
    expectNoSecrets(all, [key.secret, rotated.secret, twice.secret]);
  });

  it('revoke writes one api_key.revoked; revoking again writes none', async () => {
    const { scope } = await partner();
    const key = await newKey(scope);
    const result = (await store.services.apiKeys.revoke(scope, key.id, request))!;
    expect(result.changed).toBe(true);
    expect((await store.services.apiKeys.revoke(scope, key.id))!.changed).toBe(false);
    const events = await eventsOf(scope, 'api_key.revoked');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ data: { object: result.key }, request });
    expect(events[0]!.data.object).toMatchObject({ status: 'revoked' });
    expect(events[0]!.data.previousAttributes).toEqual({ status: 'active', revokedAt: null });
    const all = await eventsOf(scope);
    expectCatalogued(all);
    expectNoSecrets(all, [key.secret]);
  });

  it('two concurrent revokes change the key once and write one event', async () => {
    const { scope } = await partner();
    const key = await newKey(scope);
    const results = await Promise.all([
      store.services.apiKeys.revoke(scope, key.id),
      store.services.apiKeys.revoke(scope, key.id),
    ]);
    expect(results.map((r) => r!.changed).sort()).toEqual([false, true]);
    expect(await eventsOf(scope, 'api_key.revoked')).toHaveLength(1);
  });

  it('rotating a revoked key is state_conflict and writes no event', async () => {
    const { scope } = await partner();
    const key = await newKey(scope);
    await store.services.apiKeys.revoke(scope, key.id);
    const before = await totalEvents();
    await expect(store.services.apiKeys.rotate(scope, key.id, 0)).rejects.toMatchObject({ code: 'state_conflict' });
    expect(await totalEvents()).toBe(before);
    expect((await store.services.apiKeys.get(scope, key.id))!.start).toBe(key.start);
  });

  it('refused creates, and rotate or revoke of another tenant’s key, write no event', async () => {
    const { scope } = await partner();
    const { scope: other } = await partner();
    const key = await newKey(scope);
    const before = await totalEvents();
    await expect(store.services.apiKeys.create(scope, { name: 'x', scopes: ['accounts:admin'] })).rejects.toMatchObject(
      { code: 'platform_scope_not_allowed' },
    );
    await expect(
      store.services.apiKeys.create(scope, {
        name: 'x',
        scopes: ['customers:read'],
        expiresAt: '2000-01-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'unprocessable' });
    expect(await store.services.apiKeys.rotate(other, key.id, 0)).toBeNull();
    expect(await store.services.apiKeys.revoke(other, key.id)).toBeNull();
    expect(await totalEvents()).toBe(before);
    expect((await store.services.apiKeys.get(scope, key.id))!.status).toBe('active');
  });

  it('a transaction rolled back after create, rotate or revoke leaves no event and no change', async () => {
    const { scope } = await partner();
    const key = await newKey(scope);
    const before = await totalEvents();
    const boom = new Error('rolled back');
    let createdId = '';
    await expect(
      store.services.transaction(async (tx) => {
        createdId = (await tx.apiKeys.create(scope, { name: 'gone', scopes: ['customers:read'] })).id;
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(
      store.services.transaction(async (tx) => {
        await tx.apiKeys.rotate(scope, key.id, 0);
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(
      store.services.transaction(async (tx) => {
        await tx.apiKeys.revoke(scope, key.id);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await totalEvents()).toBe(before);
    expect(await store.services.apiKeys.get(scope, createdId)).toBeNull();
    const after = (await store.services.apiKeys.get(scope, key.id))!;
    expect(after).toMatchObject({ status: 'active', start: key.start, rotatedAt: null, revokedAt: null });
    // The original secret still authenticates as the key's only, current secret.
    const auth = await store.services.apiKeys.authenticate(store.services.ctx.hash(key.secret));
    expect(auth).toMatchObject({ keyId: key.id, revoked: false, secretExpiresAt: null });
  });

  it('a committed transaction keeps the change and its event together', async () => {
    const { scope } = await partner();
    const key = await newKey(scope);
    await store.services.transaction((tx) => tx.apiKeys.revoke(scope, key.id));
    expect((await store.services.apiKeys.get(scope, key.id))!.status).toBe('revoked');
    expect(await eventsOf(scope, 'api_key.revoked')).toHaveLength(1);
  });
});

describe('account events', () => {
  const modes = (scope: TenantScope) => [scope, { ...scope, livemode: true }];

  it('suspend writes account.suspended once in test mode and once in live mode', async () => {
    const { account, scope } = await partner();
    store.clock.advance(1_000);
    const { account: suspended, changed } = await store.services.accounts.setStatus(account.id, 'suspended', request);
    expect(changed).toBe(true);
    for (const tenant of modes(scope)) {
      const events = await eventsOf(tenant);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'account.suspended',
        livemode: tenant.livemode,
        account: account.id,
        data: { object: suspended, previousAttributes: { status: 'active' } },
        request,
      });
      expect(events[0]!.data.object).toMatchObject({ status: 'suspended' });
      expectCatalogued(events);
    }
  });

  it('suspending twice writes one event; unsuspend writes account.unsuspended in both modes', async () => {
    const { account, scope } = await partner();
    await store.services.accounts.setStatus(account.id, 'suspended');
    expect((await store.services.accounts.setStatus(account.id, 'suspended')).changed).toBe(false);
    store.clock.advance(1_000);
    const { account: active } = await store.services.accounts.setStatus(account.id, 'active');
    expect((await store.services.accounts.setStatus(account.id, 'active')).changed).toBe(false);
    for (const tenant of modes(scope)) {
      const events = await eventsOf(tenant);
      expect(events.map((e) => e.type)).toEqual(['account.unsuspended', 'account.suspended']);
      expect(events[0]!.data).toEqual({ object: active, previousAttributes: { status: 'suspended' } });
      expect(events[0]!.request).toBeNull();
    }
  });

  it('two concurrent suspends change the account once and write one event per mode', async () => {
    const { account, scope } = await partner();
    const results = await Promise.all([
      store.services.accounts.setStatus(account.id, 'suspended'),
      store.services.accounts.setStatus(account.id, 'suspended'),
    ]);
    expect(results.map((r) => r.changed).sort()).toEqual([false, true]);
    for (const tenant of modes(scope)) expect(await eventsOf(tenant, 'account.suspended')).toHaveLength(1);
  });

  it('suspending the platform account or an unknown account is refused and writes no event', async () => {
    const platform = await store.services.accounts.ensurePlatform();
    const before = await totalEvents();
    await expect(store.services.accounts.setStatus(platform.id, 'suspended')).rejects.toMatchObject({
      code: 'state_conflict',
    });
    expect((await store.services.accounts.setStatus(platform.id, 'active')).changed).toBe(false);
    await expect(store.services.accounts.setStatus(generateId('account'), 'suspended')).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await totalEvents()).toBe(before);
    expect((await store.services.accounts.get(platform.id))!.status).toBe('active');
  });

  it('a transaction rolled back after suspend leaves the account active and no event', async () => {
    const { account } = await partner();
    const before = await totalEvents();
    const boom = new Error('rolled back');
    await expect(
      store.services.transaction(async (tx) => {
        await tx.accounts.setStatus(account.id, 'suspended');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await totalEvents()).toBe(before);
    expect((await store.services.accounts.get(account.id))!.status).toBe('active');
  });
});

describe('one transaction per action', () => {
  it('when its event cannot be written, the state change is not made either', async () => {
    const { account, scope } = await partner();
    const key = await newKey(scope);
    const restore = await refuseEventsOf(account.id);
    try {
      await expect(newKey(scope, 'never')).rejects.toThrow();
      await expect(store.services.apiKeys.rotate(scope, key.id, 0)).rejects.toThrow();
      await expect(store.services.apiKeys.revoke(scope, key.id)).rejects.toThrow();
      // The test-mode event is accepted, the live-mode one refused: neither may remain.
      await expect(store.services.accounts.setStatus(account.id, 'suspended')).rejects.toThrow();
    } finally {
      await restore();
    }
    expect((await store.services.apiKeys.list(scope, { limit: 10 })).data.map((k) => k.id)).toEqual([key.id]);
    expect(await store.services.apiKeys.get(scope, key.id)).toMatchObject({ status: 'active', start: key.start });
    expect((await store.services.accounts.get(account.id))!.status).toBe('active');
    expect((await eventsOf(scope)).map((e) => e.type)).toEqual(['api_key.created']);
    expect(await eventsOf({ ...scope, livemode: true })).toEqual([]);
  });
});
