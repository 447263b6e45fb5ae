import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { fundedPartner, idempotencyHeader } from '../../../test/support/money.js';
import { authMatrix, type Operation } from '../../../test/support/security.js';

let gw: TestGateway;
let owner: Partner;
let intruder: Partner;
let ownerEventId: string;
let platformEventId: string;
beforeAll(async () => {
  gw = await createTestGateway();
  const funded = await fundedPartner(gw, 50_000);
  owner = funded.partner;
  const wd = await gw.request('POST', '/v1/withdrawals', {
    key: owner.key,
    headers: idempotencyHeader(),
    body: { amount: 1_000, bankAccountId: funded.bankAccount.id },
  });
  expect(wd.status).toBe(201);
  ownerEventId = (await gw.request('GET', '/v1/events?type=withdrawal.created', { key: owner.key })).body.data[0].id;
  intruder = await gw.createPartner({ name: 'Intruder' });
  // The platform's own test-mode event (its root key's api_key.created), for the retrieve matrix below.
  platformEventId = (await gw.request('GET', '/v1/events')).body.data[0].id;
});
afterAll(() => gw.close());

const eventRoutes = () => ['/v1/events', `/v1/events/${ownerEventId}`, '/v1/event-types'];

// authMatrix's scope check calls with an `events:read`-only key. For these routes that key has the
// scope, so the operations leave `scope` out: the check then asserts the events:read key gets through
// (< 400). The missing-scope case is tested below with a wallets:read key. The retrieve operation runs
// as the platform (`platformOnly`) on the platform's own event, so a fresh key for that account can
// read it rather than getting a 404.
const operations = (): Operation[] => [
  { method: 'GET', path: '/v1/events' },
  { method: 'GET', path: `/v1/events/${platformEventId}`, platformOnly: true },
  { method: 'GET', path: '/v1/event-types' },
];

for (const index of [0, 1, 2]) {
  describe(`events security: operation ${index}`, () => {
    authMatrix(
      () => gw,
      () => operations()[index]!,
    );
  });
}

describe('events: scopes, tenancy and mode', () => {
  it('403 insufficient_scope naming events:read for a wallets:read key on every events route', async () => {
    const key = await gw.createKey(owner.accountId, { scopes: ['wallets:read'] });
    for (const path of eventRoutes()) {
      const res = await gw.request('GET', path, { key: key.secret });
      expect(res.status, path).toBe(403);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.code).toBe('insufficient_scope');
      expect(res.body.detail).toContain('events:read');
    }
  });

  it('an events:read key reads every events route of its own account', async () => {
    const key = await gw.createKey(owner.accountId, { scopes: ['events:read'] });
    for (const path of eventRoutes()) {
      const res = await gw.request('GET', path, { key: key.secret });
      expect(res.status, path).toBe(200);
    }
  });

  it("404 (never 403) for another account's event", async () => {
    const res = await gw.request('GET', `/v1/events/${ownerEventId}`, { key: intruder.key });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });

  it("lists never include another account's events", async () => {
    const res = await gw.request('GET', '/v1/events?type=*', { key: intruder.key });
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: { id: string }) => e.id)).not.toContain(ownerEventId);
    expect(res.body.data.every((e: { account: string }) => e.account === intruder.accountId)).toBe(true);
  });

  it('test and live keys never see each other’s events', async () => {
    const live = await gw.createKey(owner.accountId, {}, true);
    // Creating the live key writes one live-mode api_key.created event; that is all the live key sees.
    const liveList = await gw.request('GET', '/v1/events', { key: live.secret });
    expect(liveList.status).toBe(200);
    expect(liveList.body.data.map((e: { type: string }) => e.type)).toEqual(['api_key.created']);
    expect(liveList.body.data.every((e: { livemode: boolean }) => e.livemode)).toBe(true);
    expect(liveList.body.data[0].data.object.id).toBe(live.id);
    const liveMoney = await gw.request('GET', '/v1/events?type=withdrawal.*', { key: live.secret });
    expect(liveMoney.body.data).toEqual([]);
    const liveGet = await gw.request('GET', `/v1/events/${ownerEventId}`, { key: live.secret });
    expect(liveGet.status).toBe(404);

    const testList = await gw.request('GET', '/v1/events', { key: owner.key });
    expect(testList.body.data.every((e: { livemode: boolean }) => !e.livemode)).toBe(true);
    expect(testList.body.data.map((e: { id: string }) => e.id)).not.toContain(liveList.body.data[0].id);
    const testGet = await gw.request('GET', `/v1/events/${liveList.body.data[0].id}`, { key: owner.key });
    expect(testGet.status).toBe(404);
  });
});
