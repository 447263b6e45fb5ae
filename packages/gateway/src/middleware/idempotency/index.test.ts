import { IDEMPOTENCY_LOCK_MS, IDEMPOTENCY_TTL_MS } from '@lendwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

let counter = 0;
/** A fresh Idempotency-Key, as an SDK would send (a UUID-like token). */
const newKey = () => `idem-${Date.now().toString(36)}-${++counter}`;

function createCustomer(partner: Partner, idempotencyKey: string | undefined, body: unknown) {
  return gw.request('POST', '/v1/customers', {
    key: partner.key,
    body,
    headers: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
  });
}

async function customerCount(partner: Partner): Promise<number> {
  const res = await gw.request('GET', '/v1/customers?limit=100', { key: partner.key });
  expect(res.status).toBe(200);
  return res.body.data.length;
}

/** Claims a key the way the middleware does, as a request still running in another process would have. */
async function claim(partner: Partner, key: string, body: unknown) {
  const requestHash = gw.app.deps.hash(`POST\n/v1/customers\n${JSON.stringify(body)}`);
  const begun = await gw.services.idempotency.begin(
    { accountId: partner.accountId, livemode: false },
    { key, method: 'POST', path: '/v1/customers', requestHash },
  );
  expect(begun).toEqual({ kind: 'started' });
}

describe('Idempotency-Key on POST', () => {
  it('replays the stored response for the same key and payload, creating one object', async () => {
    const partner = await gw.createPartner();
    const key = newKey();
    const body = { name: 'Ada Obi', email: 'ada@example.com' };
    const first = await createCustomer(partner, key, body);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const second = await createCustomer(partner, key, body);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.text).toBe(first.text);
    expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
    // The replay is a new request: its own request id and rate-limit state.
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect(second.headers.get('ratelimit')).toMatch(/^"free";r=\d+;t=\d+$/);
    expect(await customerCount(partner)).toBe(1);
  });

  it('creates a new object for each request without a key', async () => {
    const partner = await gw.createPartner();
    const a = await createCustomer(partner, undefined, { name: 'Same' });
    const b = await createCustomer(partner, undefined, { name: 'Same' });
    expect(a.body.id).not.toBe(b.body.id);
    expect(await customerCount(partner)).toBe(2);
  });

  it('stores and replays a 4xx response too', async () => {
    const partner = await gw.createPartner();
    const key = newKey();
    const first = await createCustomer(partner, key, { name: '' });
    expect(first.status).toBe(400);
    const second = await createCustomer(partner, key, { name: '' });
    expect(second.status).toBe(400);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
  });

  it('422 idempotency_key_reused for the same key with another payload, creating nothing more', async () => {
    const partner = await gw.createPartner();
    const key = newKey();
    expect((await createCustomer(partner, key, { name: 'First' })).status).toBe(201);
    const res = await createCustomer(partner, key, { name: 'Second' });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('idempotency_key_reused');
    expect(res.body.detail).toContain(key);
    // Same payload on another path is another request too.
    const other = await gw.request('POST', '/v1/api-keys', {
      key: partner.key,
      body: { name: 'First' },
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(422);
    expect(await customerCount(partner)).toBe(1);
  });

  it('409 idempotency_key_in_use while the first request is still in flight', async () => {
    const partner = await gw.createPartner();
    const key = newKey();
    const body = { name: 'Slow' };
    await claim(partner, key, body);
    const res = await createCustomer(partner, key, body);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('idempotency_key_in_use');
    expect(res.headers.get('retry-after')).toBe('1');
    // Another payload under the in-flight key is still a misuse of the key.
    expect((await createCustomer(partner, key, { name: 'Other' })).status).toBe(422);
    expect(await customerCount(partner)).toBe(0);
  });

  it('two concurrent requests with one key create exactly one object', async () => {
    const partner = await gw.createPartner();
    const key = newKey();
    const body = { name: 'Racer' };
    const results = await Promise.all([createCustomer(partner, key, body), createCustomer(partner, key, body)]);
    const fresh = results.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
    expect(fresh).toHaveLength(1);
    const other = results.find((r) => r !== fresh[0])!;
    if (other.status === 201) {
      expect(other.headers.get('idempotent-replayed')).toBe('true');
      expect(other.body.id).toBe(fresh[0]!.body.id);
    } else {
      expect(other.status).toBe(409);
      expect(other.body.code).toBe('idempotency_key_in_use');
    }
    expect(await customerCount(partner)).toBe(1);
  });

  it('many concurrent requests with one key still create exactly one object', async () => {
    const partner = await gw.createPartner();
    const key = newKey();
    const results = await Promise.all(Array.from({ length: 10 }, () => createCustomer(partner, key, { name: 'Herd' })));
    const statuses = results.map((r) => (r.headers.get('idempotent-replayed') ? 'replay' : r.status));
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => s === 201 || s === 'replay' || s === 409)).toBe(true);
    expect(await customerCount(partner)).toBe(1);
  });

  it('does not store a 5xx: a retry after the failure runs again', async () => {
    const partner = await gw.createPartner();
    const key = newKey();
    const body = { name: 'Unlucky' };
    // A real database failure: the insert violates a constraint added for this test.
    await gw.store.handle.db.execute(
      `alter table customers add constraint idempotency_test_failure check (name <> 'Unlucky')`,
    );
    let failed: Awaited<ReturnType<typeof createCustomer>>;
    try {
      failed = await createCustomer(partner, key, body);
    } finally {
      await gw.store.handle.db.execute('alter table customers drop constraint idempotency_test_failure');
    }
    expect(failed.status).toBe(500);
    expect(failed.body.code).toBe('internal_error');
    expect(await customerCount(partner)).toBe(0);

    const retry = await createCustomer(partner, key, body);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    const again = await createCustomer(partner, key, body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(retry.body.id);
    expect(await customerCount(partner)).toBe(1);
  });

  it('scopes keys per account (and per mode): the same key in two accounts makes two objects', async () => {
    const a = await gw.createPartner();
    const b = await gw.createPartner();
    const key = newKey();
    const body = { name: 'Shared key' };
    const ra = await createCustomer(a, key, body);
    const rb = await createCustomer(b, key, body);
    expect(ra.status).toBe(201);
    expect(rb.status).toBe(201);
    expect(rb.headers.get('idempotent-replayed')).toBeNull();
    expect(rb.body.id).not.toBe(ra.body.id);

    const live = await gw.createKey(a.accountId, { name: 'live' }, true);
    const rl = await createCustomer({ ...a, key: live.secret }, key, body);
    expect(rl.status).toBe(201);
    expect(rl.headers.get('idempotent-replayed')).toBeNull();
    expect(rl.body.livemode).toBe(true);

    // Within one account and mode the key is shared by all its API keys.
    const second = await gw.createKey(a.accountId, { name: 'second' });
    const replay = await createCustomer({ ...a, key: second.secret }, key, body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(ra.body.id);
  });

  it('rejects a malformed Idempotency-Key with 400 invalid_header', async () => {
    const partner = await gw.createPartner();
    for (const bad of ['has space', 'x'.repeat(256), 'tab\there']) {
      const res = await createCustomer(partner, bad, { name: 'x' });
      expect(res.status, bad).toBe(400);
      expect(res.body.code).toBe('invalid_header');
    }
    expect(await customerCount(partner)).toBe(0);
  });

  it('forgets a key after 24 hours: the same key runs again', async () => {
    const partner = await gw.createPartner();
    const key = newKey();
    const body = { name: 'Yesterday' };
    const first = await createCustomer(partner, key, body);
    gw.clock.advance(IDEMPOTENCY_TTL_MS - 1000);
    expect((await createCustomer(partner, key, body)).headers.get('idempotent-replayed')).toBe('true');
    gw.clock.advance(2000); // 24 h + 1 s after the first request
    const later = await createCustomer(partner, key, body);
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(later.body.id).not.toBe(first.body.id);
    // An expired key may also carry another payload now.
    gw.clock.advance(IDEMPOTENCY_TTL_MS + 1000);
    expect((await createCustomer(partner, key, { name: 'Today' })).status).toBe(201);
    expect(await customerCount(partner)).toBe(3);
  });

  it('takes over a key left in flight for more than 5 minutes (its process died)', async () => {
    const partner = await gw.createPartner();
    const key = newKey();
    const body = { name: 'Orphan' };
    await claim(partner, key, body);
    gw.clock.advance(IDEMPOTENCY_LOCK_MS - 1000);
    expect((await createCustomer(partner, key, body)).status).toBe(409);
    gw.clock.advance(2000);
    const res = await createCustomer(partner, key, body);
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect((await createCustomer(partner, key, body)).headers.get('idempotent-replayed')).toBe('true');
    expect(await customerCount(partner)).toBe(1);
  });
});
