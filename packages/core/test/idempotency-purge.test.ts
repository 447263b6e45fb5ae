import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_TTL_MS } from '../src/index.js';
import { openTestStore, type TestStore } from './support.js';

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store.close());

describe('idempotency purge', () => {
  it('deletes records past their 24 hours and keeps younger ones', async () => {
    const { idempotency, accounts } = store.services;
    const account = await accounts.create({ name: 'P', contactEmail: 'p@example.com' });
    const tenant = { accountId: account.id, livemode: false };
    const request = { method: 'POST', path: '/v1/customers', requestHash: 'h' };
    await idempotency.begin(tenant, { key: 'old', ...request });
    await idempotency.complete(tenant, 'old', { status: 201, headers: {}, body: '{}' });
    store.clock.advance(IDEMPOTENCY_TTL_MS - 1000);
    await idempotency.begin(tenant, { key: 'young', ...request });
    expect(await idempotency.purgeExpired()).toBe(0);
    store.clock.advance(2000);
    expect(await idempotency.purgeExpired()).toBe(1);
    // The purged key runs again; the young one still replays.
    expect(await idempotency.begin(tenant, { key: 'old', ...request })).toEqual({ kind: 'started' });
    expect(await idempotency.begin(tenant, { key: 'young', ...request })).toEqual({ kind: 'in_flight' });
  });
});
