import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from './support.js';

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store.close());

describe('store', () => {
  it('applies migrations and answers a ping', async () => {
    await expect(store.handle.ping()).resolves.toBeUndefined();
  });

  it('creates exactly one platform account however often it is ensured', async () => {
    const a = await store.services.accounts.ensurePlatform();
    const b = await store.services.accounts.ensurePlatform();
    expect(a.id).toBe(b.id);
    expect(a.platform).toBe(true);
  });
});
