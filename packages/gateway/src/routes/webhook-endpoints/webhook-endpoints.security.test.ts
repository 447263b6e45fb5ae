import { schema } from '@lendwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { authMatrix } from '../../../test/support/security.js';
import { dispatcherFor, type Receiver, startReceiver } from '../../../test/support/webhooks.js';

let gw: TestGateway;
let receiver: Receiver;
beforeAll(async () => {
  gw = await createTestGateway({ webhooks: { allowPrivateNetworks: true } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await gw.close();
});

const WELL_FORMED_ENDPOINT = 'we_01jd8x3k5w9q4r7t2m6n0p8s1v';
const WELL_FORMED_DELIVERY = 'msg_01jd8x3k5w9q4r7t2m6n0p8s1v';

/** Every webhook route, with a body that would pass validation. */
function routes(endpointId: string, deliveryId: string) {
  return [
    { method: 'POST', path: '/v1/webhook-endpoints', body: { url: receiver.url(), enabledEvents: ['*'] }, write: true },
    { method: 'GET', path: '/v1/webhook-endpoints', write: false },
    { method: 'GET', path: `/v1/webhook-endpoints/${endpointId}`, write: false },
    { method: 'PATCH', path: `/v1/webhook-endpoints/${endpointId}`, body: { description: 'taken over' }, write: true },
    { method: 'DELETE', path: `/v1/webhook-endpoints/${endpointId}`, write: true },
    { method: 'POST', path: `/v1/webhook-endpoints/${endpointId}/rotate-secret`, body: {}, write: true },
    {
      method: 'POST',
      path: `/v1/webhook-endpoints/${endpointId}/test`,
      body: { eventType: 'loan.disbursed' },
      write: true,
    },
    {
      method: 'POST',
      path: `/v1/webhook-endpoints/${endpointId}/recover`,
      body: { since: '2020-01-01T00:00:00Z' },
      write: true,
    },
    { method: 'GET', path: `/v1/webhook-endpoints/${endpointId}/deliveries`, write: false },
    { method: 'GET', path: `/v1/webhook-deliveries/${deliveryId}`, write: false },
    { method: 'POST', path: `/v1/webhook-deliveries/${deliveryId}/retry`, write: true },
  ] as const;
}

/** A partner with an endpoint (`loan.*`, so key set-up events do not reach it) and one failed delivery to it. */
async function partnerWithDelivery(): Promise<{ p: Partner; endpoint: any; delivery: any }> {
  const p = await gw.createPartner();
  const created = await gw.request('POST', '/v1/webhook-endpoints', {
    key: p.key,
    body: { url: receiver.url('/victim'), enabledEvents: ['loan.*'], description: 'original' },
  });
  expect(created.status).toBe(201);
  receiver.reply({ status: 500 });
  const test = await gw.request('POST', `/v1/webhook-endpoints/${created.body.id}/test`, {
    key: p.key,
    body: { eventType: 'loan.disbursed' },
  });
  expect(test.status).toBe(202);
  await dispatcherFor(gw, { schedule: [0] }).runOnce();
  receiver.reply({ status: 200 });
  const delivery = await gw.request('GET', `/v1/webhook-deliveries/${test.body.id}`, { key: p.key });
  expect(delivery.body.status).toBe('failed');
  return { p, endpoint: created.body, delivery: delivery.body };
}

describe('POST /v1/webhook-endpoints', () =>
  authMatrix(
    () => gw,
    () => ({
      method: 'POST',
      path: '/v1/webhook-endpoints',
      scope: 'webhooks:write',
      body: { url: 'https://93.184.216.34/hooks', enabledEvents: ['*'] },
    }),
  ));
describe('GET /v1/webhook-endpoints/{id}/deliveries', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: `/v1/webhook-endpoints/${WELL_FORMED_ENDPOINT}/deliveries`, scope: 'webhooks:read' }),
  ));
describe('POST /v1/webhook-deliveries/{id}/retry', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'POST', path: `/v1/webhook-deliveries/${WELL_FORMED_DELIVERY}/retry`, scope: 'webhooks:write' }),
  ));

describe('webhook routes: authentication and scopes', () => {
  it('401 api_key_missing on every route without a key', async () => {
    for (const r of routes(WELL_FORMED_ENDPOINT, WELL_FORMED_DELIVERY)) {
      const res = await gw.request(r.method, r.path, { key: null, body: 'body' in r ? r.body : undefined });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
      expect(res.body.code).toBe('api_key_missing');
    }
  });

  it('a webhooks:read key reads but cannot create, patch, delete, rotate, test, recover or retry (403)', async () => {
    const { p, endpoint, delivery } = await partnerWithDelivery();
    const readOnly = await gw.createKey(p.accountId, { name: 'ro', scopes: ['webhooks:read'] });
    const before = receiver.requests.length;
    for (const r of routes(endpoint.id, delivery.id)) {
      const res = await gw.request(r.method, r.path, {
        key: readOnly.secret,
        body: 'body' in r ? r.body : undefined,
      });
      if (r.write) {
        expect(res.status, `${r.method} ${r.path}`).toBe(403);
        expect(res.body.code).toBe('insufficient_scope');
        expect(res.body.detail).toContain('webhooks:write');
      } else {
        expect(res.status, `${r.method} ${r.path}`).toBe(200);
        expect(res.text).not.toContain('whsec_');
      }
    }
    // Nothing changed: same endpoint, one endpoint, the delivery still failed, nothing sent.
    const got = await gw.request('GET', `/v1/webhook-endpoints/${endpoint.id}`, { key: p.key });
    expect(got.body).toMatchObject({ description: 'original', status: 'enabled', previousSecretExpiresAt: null });
    expect((await gw.request('GET', '/v1/webhook-endpoints', { key: p.key })).body.data).toHaveLength(1);
    const d = await gw.request('GET', `/v1/webhook-deliveries/${delivery.id}`, { key: p.key });
    expect(d.body).toMatchObject({ status: 'failed', attemptCount: 1 });
    const log = await gw.request('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`, { key: p.key });
    expect(log.body.data).toHaveLength(1);
    await dispatcherFor(gw, { schedule: [0] }).runOnce();
    expect(receiver.requests.length).toBe(before);
  });
});

describe('webhook routes: tenancy', () => {
  it('another tenant’s endpoint and delivery are 404 on every route, and nothing changes', async () => {
    const { p: a, endpoint, delivery } = await partnerWithDelivery();
    const b = await gw.createPartner();
    for (const r of routes(endpoint.id, delivery.id)) {
      if (r.path === '/v1/webhook-endpoints') continue;
      const res = await gw.request(r.method, r.path, { key: b.key, body: 'body' in r ? r.body : undefined });
      expect(res.status, `${r.method} ${r.path}`).toBe(404);
      expect(res.body.code).toBe('not_found');
      expect(res.text).not.toContain('whsec_');
    }
    const list = await gw.request('GET', '/v1/webhook-endpoints', { key: b.key });
    expect(list.body.data).toEqual([]);
    const got = await gw.request('GET', `/v1/webhook-endpoints/${endpoint.id}`, { key: a.key });
    expect(got.body).toMatchObject({ description: 'original', status: 'enabled', previousSecretExpiresAt: null });
    const d = await gw.request('GET', `/v1/webhook-deliveries/${delivery.id}`, { key: a.key });
    expect(d.body).toMatchObject({ status: 'failed', attemptCount: 1 });
  });

  it('the platform acting for a partner (Lendwire-Account) sees the partner’s endpoints, and not without it', async () => {
    const { p, endpoint } = await partnerWithDelivery();
    const as = await gw.request('GET', `/v1/webhook-endpoints/${endpoint.id}`, {
      headers: { 'lendwire-account': p.accountId },
    });
    expect(as.status).toBe(200);
    expect(as.body.id).toBe(endpoint.id);
    expect((await gw.request('GET', `/v1/webhook-endpoints/${endpoint.id}`)).status).toBe(404);
  });

  it('a live key sees no test endpoints or deliveries, and a test key no live ones', async () => {
    const { p, endpoint, delivery } = await partnerWithDelivery();
    const live = await gw.createKey(p.accountId, { name: 'live' }, true);
    const liveList = await gw.request('GET', '/v1/webhook-endpoints', { key: live.secret });
    expect(liveList.status).toBe(200);
    expect(liveList.body.data).toEqual([]);
    for (const r of routes(endpoint.id, delivery.id)) {
      if (r.path === '/v1/webhook-endpoints') continue;
      const res = await gw.request(r.method, r.path, { key: live.secret, body: 'body' in r ? r.body : undefined });
      expect(res.status, `${r.method} ${r.path}`).toBe(404);
    }
    const liveEp = await gw.request('POST', '/v1/webhook-endpoints', {
      key: live.secret,
      body: { url: receiver.url('/live'), enabledEvents: ['*'] },
    });
    expect(liveEp.status).toBe(201);
    expect(liveEp.body.livemode).toBe(true);
    expect((await gw.request('GET', `/v1/webhook-endpoints/${liveEp.body.id}`, { key: p.key })).status).toBe(404);
    const testList = await gw.request('GET', '/v1/webhook-endpoints', { key: p.key });
    expect(testList.body.data.map((e: { id: string }) => e.id)).toEqual([endpoint.id]);
  });
});

describe('webhook secrets', () => {
  it('secrets never reach the logs, and the stored secret_encrypted does not contain them', async () => {
    const p = await gw.createPartner();
    const created = await gw.request('POST', '/v1/webhook-endpoints', {
      key: p.key,
      body: { url: receiver.url('/secrets'), enabledEvents: ['loan.*'] },
    });
    expect(created.status).toBe(201);
    const rotated = await gw.request('POST', `/v1/webhook-endpoints/${created.body.id}/rotate-secret`, {
      key: p.key,
      body: { gracePeriodSeconds: 600 },
    });
    expect(rotated.status).toBe(200);
    const secrets: string[] = [created.body.secret, rotated.body.secret];
    for (const s of secrets) expect(s).toMatch(/^whsec_/);
    // A delivery signed with both, so the dispatcher handles the secrets too.
    await gw.request('POST', `/v1/webhook-endpoints/${created.body.id}/test`, {
      key: p.key,
      body: { eventType: 'loan.disbursed' },
    });
    await dispatcherFor(gw, { schedule: [0] }).runOnce();
    expect(receiver.requestsTo('/secrets')).toHaveLength(1);

    expect(gw.logs.length).toBeGreaterThan(0);
    const logs = gw.logs.join('\n');
    for (const s of secrets) {
      expect(logs).not.toContain(s);
      expect(logs).not.toContain(s.slice('whsec_'.length));
    }

    const rows = await gw.store.handle.db.select().from(schema.webhookEndpoints);
    const row = rows.find((r) => r.id === created.body.id);
    expect(row).toBeDefined();
    const stored = [row!.secretEncrypted, row!.previousSecretEncrypted ?? ''];
    expect(row!.previousSecretEncrypted).toBeTruthy();
    for (const text of stored) {
      for (const s of secrets) {
        expect(text).not.toContain(s);
        expect(text).not.toContain(s.slice('whsec_'.length));
        expect(text).not.toContain(Buffer.from(s.slice('whsec_'.length), 'base64').toString('hex'));
      }
    }
    expect(JSON.stringify(row)).not.toContain('whsec_');
  });
});
