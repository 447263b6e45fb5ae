import { verify, WebhookVerificationError } from '@lendwire/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { bankAccountBody } from '../../../test/support/money.js';
import { dispatcherFor, type Receiver, startReceiver } from '../../../test/support/webhooks.js';

let gw: TestGateway;
const receivers: Receiver[] = [];
beforeAll(async () => {
  gw = await createTestGateway({ webhooks: { allowPrivateNetworks: true } });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await gw.close();
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

/**
 * A partner whose set-up events (its key's `api_key.created`) are already fanned out, so its endpoints
 * only get what the test does.
 */
async function partner(): Promise<Partner> {
  const p = await gw.createPartner();
  await dispatcherFor(gw, { schedule: [0] }).fanOut();
  return p;
}

async function createEndpoint(p: Partner, body: Record<string, unknown>) {
  const res = await gw.request('POST', '/v1/webhook-endpoints', { key: p.key, body });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; secret: string; [k: string]: any };
}

async function getDelivery(p: Partner, id: string) {
  const res = await gw.request('GET', `/v1/webhook-deliveries/${id}`, { key: p.key });
  expect(res.status).toBe(200);
  return res.body;
}

async function sendTest(p: Partner, endpointId: string, eventType = 'loan.disbursed') {
  const res = await gw.request('POST', `/v1/webhook-endpoints/${endpointId}/test`, { key: p.key, body: { eventType } });
  expect(res.status, res.text).toBe(202);
  return res.body as { id: string; [k: string]: any };
}

const verifyAt = (body: string, headers: Record<string, any>, secret: string | string[]) =>
  verify(body, headers, secret, { now: gw.clock.now() });

describe('webhook endpoints: create, read, update, delete', () => {
  it('creates an endpoint: 201 with a whsec_ secret shown once, never on GET or list', async () => {
    const p = await partner();
    const res = await gw.request('POST', '/v1/webhook-endpoints', {
      key: p.key,
      body: {
        url: 'http://127.0.0.1:9/hooks',
        enabledEvents: ['loan.*', 'withdrawal.succeeded'],
        description: 'Main receiver',
        metadata: { team: 'ops' },
        throttleRate: 50,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: 'webhook_endpoint',
      url: 'http://127.0.0.1:9/hooks',
      enabledEvents: ['loan.*', 'withdrawal.succeeded'],
      description: 'Main receiver',
      metadata: { team: 'ops' },
      throttleRate: 50,
      status: 'enabled',
      disabledReason: null,
      previousSecretExpiresAt: null,
      livemode: false,
    });
    expect(res.body.id).toMatch(/^we_/);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const secret: string = res.body.secret;

    const got = await gw.request('GET', `/v1/webhook-endpoints/${res.body.id}`, { key: p.key });
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('secret');
    expect(got.text).not.toContain(secret);
    const { secret: _s, ...rest } = res.body;
    expect(got.body).toEqual(rest);

    const list = await gw.request('GET', '/v1/webhook-endpoints', { key: p.key });
    expect(list.status).toBe(200);
    expect(list.body.data.map((e: { id: string }) => e.id)).toEqual([res.body.id]);
    expect(list.body.data[0]).not.toHaveProperty('secret');
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toContain(secret.slice('whsec_'.length));
  });

  it('defaults: no description, empty metadata, no throttle; list is newest first and paginates', async () => {
    const p = await partner();
    const a = await createEndpoint(p, { url: 'https://127.0.0.1:9/a', enabledEvents: ['*'] });
    expect(a).toMatchObject({ description: null, metadata: {}, throttleRate: null });
    gw.clock.advance(1);
    const b = await createEndpoint(p, { url: 'https://127.0.0.1:9/b', enabledEvents: ['*'] });
    const page1 = await gw.request('GET', '/v1/webhook-endpoints?limit=1', { key: p.key });
    expect(page1.body.data.map((e: { id: string }) => e.id)).toEqual([b.id]);
    expect(page1.body.hasMore).toBe(true);
    const page2 = await gw.request('GET', `/v1/webhook-endpoints?limit=1&startingAfter=${page1.body.nextCursor}`, {
      key: p.key,
    });
    expect(page2.body.data.map((e: { id: string }) => e.id)).toEqual([a.id]);
    expect(page2.body.hasMore).toBe(false);
  });

  it('patches url, events, description, metadata and throttle; disable is manual, re-enable clears it', async () => {
    const p = await partner();
    const ep = await createEndpoint(p, { url: 'http://127.0.0.1:9/old', enabledEvents: ['*'], description: 'x' });
    const patch = (body: unknown) => gw.request('PATCH', `/v1/webhook-endpoints/${ep.id}`, { key: p.key, body });

    gw.clock.advance(1000);
    const changed = await patch({
      url: 'http://127.0.0.1:9/new',
      enabledEvents: ['loan.disbursed'],
      description: 'Renamed',
      metadata: { env: 'staging' },
      throttleRate: 5,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      id: ep.id,
      url: 'http://127.0.0.1:9/new',
      enabledEvents: ['loan.disbursed'],
      description: 'Renamed',
      metadata: { env: 'staging' },
      throttleRate: 5,
      status: 'enabled',
    });
    expect(changed.body).not.toHaveProperty('secret');
    expect(Date.parse(changed.body.updatedAt)).toBeGreaterThan(Date.parse(ep.updatedAt));

    const cleared = await patch({ description: null, throttleRate: null });
    expect(cleared.body).toMatchObject({ description: null, throttleRate: null, url: 'http://127.0.0.1:9/new' });

    const disabled = await patch({ status: 'disabled' });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ status: 'disabled', disabledReason: 'manual' });
    expect((await gw.request('GET', `/v1/webhook-endpoints/${ep.id}`, { key: p.key })).body).toMatchObject({
      status: 'disabled',
      disabledReason: 'manual',
    });

    const enabled = await patch({ status: 'enabled' });
    expect(enabled.body).toMatchObject({ status: 'enabled', disabledReason: null });
  });

  it('deletes: 200, then 404 and gone from the list; its pending deliveries are failed', async () => {
    const p = await partner();
    const ep = await createEndpoint(p, { url: 'http://127.0.0.1:9/hooks', enabledEvents: ['*'] });
    const queued = await sendTest(p, ep.id);
    expect(queued.status).toBe('pending');

    const del = await gw.request('DELETE', `/v1/webhook-endpoints/${ep.id}`, { key: p.key });
    expect(del.status).toBe(200);
    expect(del.body.id).toBe(ep.id);
    expect(del.body).not.toHaveProperty('secret');

    expect((await gw.request('GET', `/v1/webhook-endpoints/${ep.id}`, { key: p.key })).status).toBe(404);
    expect((await gw.request('PATCH', `/v1/webhook-endpoints/${ep.id}`, { key: p.key, body: {} })).status).toBe(404);
    expect((await gw.request('DELETE', `/v1/webhook-endpoints/${ep.id}`, { key: p.key })).status).toBe(404);
    expect((await gw.request('GET', '/v1/webhook-endpoints', { key: p.key })).body.data).toEqual([]);

    const after = await getDelivery(p, queued.id);
    expect(after.status).toBe('failed');
    expect(after.nextAttemptAt).toBeNull();
  });
});

describe('webhook endpoints: test events and signatures', () => {
  it('test: 202 pending delivery; the receiver gets a signed sample of that type, not in /v1/events', async () => {
    const r = await receiver();
    const p = await partner();
    const ep = await createEndpoint(p, { url: r.url(), enabledEvents: ['loan.*'] });
    const delivery = await sendTest(p, ep.id, 'withdrawal.failed');
    expect(delivery).toMatchObject({
      object: 'webhook_delivery',
      endpointId: ep.id,
      eventType: 'withdrawal.failed',
      status: 'pending',
      attemptCount: 0,
      attempts: [],
      livemode: false,
    });
    expect(delivery.id).toMatch(/^msg_/);
    expect(delivery.eventId).toMatch(/^evt_/);

    await dispatcherFor(gw, { schedule: [0] }).runOnce();
    const got = r.requests;
    expect(got).toHaveLength(1);
    const req = got[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['webhook-id']).toBe(delivery.id);
    expect(req.headers['webhook-timestamp']).toBe(String(Math.floor(gw.clock.now().getTime() / 1000)));
    await expect(verifyAt(req.body, req.headers, ep.secret)).resolves.toBeUndefined();
    expect(req.json).toMatchObject({
      id: delivery.eventId,
      object: 'event',
      type: 'withdrawal.failed',
      livemode: false,
      account: p.accountId,
    });

    const after = await getDelivery(p, delivery.id);
    expect(after.status).toBe('succeeded');
    expect(after.attemptCount).toBe(1);
    expect(after.nextAttemptAt).toBeNull();
    expect(after.attempts).toHaveLength(1);
    expect(after.attempts[0]).toMatchObject({ responseStatus: 200, error: null, responseExcerpt: 'ok' });
    expect(after.attempts[0].id).toMatch(/^atm_/);

    const events = await gw.request('GET', '/v1/events?limit=100', { key: p.key });
    expect(events.status).toBe(200);
    expect(events.body.data.map((e: { id: string }) => e.id)).not.toContain(delivery.eventId);
    expect((await gw.request('GET', `/v1/events/${delivery.eventId}`, { key: p.key })).status).toBe(404);
  });

  it('rotate-secret: during grace both signatures verify; after it only the new secret does', async () => {
    const r = await receiver();
    const p = await partner();
    const ep = await createEndpoint(p, { url: r.url(), enabledEvents: ['*'] });
    const oldSecret = ep.secret;
    const dispatcher = dispatcherFor(gw, { schedule: [0] });

    const rotated = await gw.request('POST', `/v1/webhook-endpoints/${ep.id}/rotate-secret`, {
      key: p.key,
      body: { gracePeriodSeconds: 3600 },
    });
    expect(rotated.status).toBe(200);
    const newSecret: string = rotated.body.secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.body.previousSecretExpiresAt).toBe(new Date(gw.clock.now().getTime() + 3_600_000).toISOString());
    const got = await gw.request('GET', `/v1/webhook-endpoints/${ep.id}`, { key: p.key });
    expect(got.body).not.toHaveProperty('secret');
    expect(got.text).not.toContain(newSecret);

    // During the grace period: two signatures; a receiver with either secret verifies.
    await sendTest(p, ep.id);
    await dispatcher.runOnce();
    expect(r.requests).toHaveLength(1);
    const during = r.requests[0]!;
    const signatures = String(during.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    for (const s of signatures) expect(s).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    await expect(verifyAt(during.body, during.headers, oldSecret)).resolves.toBeUndefined();
    await expect(verifyAt(during.body, during.headers, newSecret)).resolves.toBeUndefined();
    await expect(
      verifyAt(during.body, during.headers, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
    ).rejects.toBeInstanceOf(WebhookVerificationError);

    // After the grace period: one signature, with the new secret only.
    gw.clock.advance(3_600_000);
    await sendTest(p, ep.id);
    await dispatcher.runOnce();
    expect(r.requests).toHaveLength(2);
    const after = r.requests[1]!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    await expect(verifyAt(after.body, after.headers, newSecret)).resolves.toBeUndefined();
    await expect(verifyAt(after.body, after.headers, oldSecret)).rejects.toMatchObject({ code: 'invalid_signature' });
  });

  it('rotate-secret with gracePeriodSeconds 0 stops signing with the old secret at once', async () => {
    const r = await receiver();
    const p = await partner();
    const ep = await createEndpoint(p, { url: r.url(), enabledEvents: ['*'] });
    const rotated = await gw.request('POST', `/v1/webhook-endpoints/${ep.id}/rotate-secret`, {
      key: p.key,
      body: { gracePeriodSeconds: 0 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.previousSecretExpiresAt).toBeNull();
    await sendTest(p, ep.id);
    await dispatcherFor(gw, { schedule: [0] }).runOnce();
    const req = r.requests[0]!;
    expect(String(req.headers['webhook-signature']).split(' ')).toHaveLength(1);
    await expect(verifyAt(req.body, req.headers, rotated.body.secret)).resolves.toBeUndefined();
    await expect(verifyAt(req.body, req.headers, ep.secret)).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it('rotate-secret without a body uses the default 24 h grace', async () => {
    const p = await partner();
    const ep = await createEndpoint(p, { url: 'http://127.0.0.1:9/hooks', enabledEvents: ['*'] });
    const rotated = await gw.request('POST', `/v1/webhook-endpoints/${ep.id}/rotate-secret`, { key: p.key, body: {} });
    expect(rotated.status).toBe(200);
    expect(rotated.body.previousSecretExpiresAt).toBe(new Date(gw.clock.now().getTime() + 86_400_000).toISOString());
  });
});

describe('webhook deliveries: log, retry and recover', () => {
  it('lists deliveries newest first with attempts; status filter; excerpt at most 1 KiB of a 2 KiB answer', async () => {
    const r = await receiver();
    const p = await partner();
    const ep = await createEndpoint(p, { url: r.url(), enabledEvents: ['*'] });
    const dispatcher = dispatcherFor(gw, { schedule: [0, 60_000] });

    r.reply({ status: 500, body: 'x'.repeat(2048), delayMs: 30 });
    const failing = await sendTest(p, ep.id, 'loan.overdue');
    await dispatcher.runOnce();
    r.reply({ status: 204 });
    gw.clock.advance(1);
    const ok = await sendTest(p, ep.id, 'loan.paid_off');
    await dispatcher.runOnce();

    const all = await gw.request('GET', `/v1/webhook-endpoints/${ep.id}/deliveries`, { key: p.key });
    expect(all.status).toBe(200);
    expect(all.body.data.map((d: { id: string }) => d.id)).toEqual([ok.id, failing.id]);
    const [okRow, failRow] = all.body.data;
    expect(okRow).toMatchObject({ status: 'succeeded', attemptCount: 1, eventType: 'loan.paid_off' });
    expect(okRow.attempts[0]).toMatchObject({ responseStatus: 204, error: null, responseExcerpt: '' });
    expect(failRow).toMatchObject({ status: 'pending', attemptCount: 1, eventType: 'loan.overdue' });
    const attempt = failRow.attempts[0];
    expect(attempt.responseStatus).toBe(500);
    expect(Number.isInteger(attempt.durationMs)).toBe(true);
    expect(attempt.durationMs).toBeGreaterThanOrEqual(20);
    expect(Buffer.byteLength(attempt.responseExcerpt, 'utf8')).toBeLessThanOrEqual(1024);
    expect(attempt.responseExcerpt).toBe('x'.repeat(1024));
    expect(Date.parse(failRow.nextAttemptAt) - Date.parse(attempt.at)).toBe(60_000);

    const pending = await gw.request('GET', `/v1/webhook-endpoints/${ep.id}/deliveries?status=pending`, { key: p.key });
    expect(pending.body.data.map((d: { id: string }) => d.id)).toEqual([failing.id]);
    const succeeded = await gw.request('GET', `/v1/webhook-endpoints/${ep.id}/deliveries?status=succeeded`, {
      key: p.key,
    });
    expect(succeeded.body.data.map((d: { id: string }) => d.id)).toEqual([ok.id]);
    const failed = await gw.request('GET', `/v1/webhook-endpoints/${ep.id}/deliveries?status=failed`, { key: p.key });
    expect(failed.body.data).toEqual([]);
    const page = await gw.request('GET', `/v1/webhook-endpoints/${ep.id}/deliveries?limit=1`, { key: p.key });
    expect(page.body.data.map((d: { id: string }) => d.id)).toEqual([ok.id]);
    expect(page.body.hasMore).toBe(true);

    const one = await getDelivery(p, failing.id);
    expect(one).toEqual(failRow);
  });

  // 1023 ASCII bytes + `é` (2 bytes) straddle the limit: the excerpt stops before the `é`, never
  // with half of it decoded as U+FFFD.
  it('the excerpt stays within 1 KiB when a multi-byte character straddles the limit', async () => {
    const r = await receiver();
    const p = await partner();
    const ep = await createEndpoint(p, { url: r.url(), enabledEvents: ['*'] });
    r.reply({ status: 500, body: `${'a'.repeat(1023)}${'é'.repeat(600)}` });
    const d = await sendTest(p, ep.id);
    await dispatcherFor(gw, { schedule: [0, 60_000] }).runOnce();
    const excerpt: string = (await getDelivery(p, d.id)).attempts[0].responseExcerpt;
    expect(excerpt.startsWith('a'.repeat(1023))).toBe(true);
    expect(Buffer.byteLength(excerpt, 'utf8')).toBeLessThanOrEqual(1024);
    expect(excerpt).not.toContain('\uFFFD');
  });

  it('retry of a failed delivery: 202 pending, then delivered with the same webhook-id', async () => {
    const r = await receiver();
    const p = await partner();
    const ep = await createEndpoint(p, { url: r.url(), enabledEvents: ['*'] });
    const dispatcher = dispatcherFor(gw, { schedule: [0] });
    r.reply({ status: 500, body: 'down' });
    const d = await sendTest(p, ep.id);
    await dispatcher.runOnce();
    const failed = await getDelivery(p, d.id);
    expect(failed).toMatchObject({ status: 'failed', attemptCount: 1, nextAttemptAt: null });

    const retry = await gw.request('POST', `/v1/webhook-deliveries/${d.id}/retry`, { key: p.key });
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ id: d.id, status: 'pending', attemptCount: 1 });
    expect(retry.body.nextAttemptAt).toBe(gw.clock.now().toISOString());

    r.reply({ status: 200, body: 'thanks' });
    await dispatcher.runOnce();
    const done = await getDelivery(p, d.id);
    expect(done).toMatchObject({ status: 'succeeded', attemptCount: 2, nextAttemptAt: null });
    expect(done.attempts.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([500, 200]);
    expect(r.requests.map((q) => q.headers['webhook-id'])).toEqual([d.id, d.id]);
    await expect(verifyAt(r.requests[1]!.body, r.requests[1]!.headers, ep.secret)).resolves.toBeUndefined();
  });

  it('recover since: re-queues the failed deliveries created since then and counts them', async () => {
    const r = await receiver();
    const p = await partner();
    const ep = await createEndpoint(p, { url: r.url(), enabledEvents: ['*'] });
    const dispatcher = dispatcherFor(gw, { schedule: [0] });
    r.reply({ status: 502 });
    const t0 = gw.clock.now().toISOString();
    const old = await sendTest(p, ep.id);
    gw.clock.advance(60_000);
    const t1 = gw.clock.now().toISOString();
    const recent1 = await sendTest(p, ep.id);
    const recent2 = await sendTest(p, ep.id);
    await dispatcher.runOnce();
    r.reply({ status: 200 });
    const fine = await sendTest(p, ep.id);
    await dispatcher.runOnce();
    for (const id of [old.id, recent1.id, recent2.id]) expect((await getDelivery(p, id)).status).toBe('failed');
    expect((await getDelivery(p, fine.id)).status).toBe('succeeded');

    const recover = (since: string) =>
      gw.request('POST', `/v1/webhook-endpoints/${ep.id}/recover`, { key: p.key, body: { since } });
    const first = await recover(t1);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ object: 'webhook_recovery', endpointId: ep.id, requeued: 2 });
    expect((await getDelivery(p, old.id)).status).toBe('failed');
    expect((await getDelivery(p, recent1.id)).status).toBe('pending');

    const before = r.requests.length;
    await dispatcher.runOnce();
    expect(r.requests.length - before).toBe(2);
    expect((await getDelivery(p, recent1.id)).status).toBe('succeeded');
    expect((await getDelivery(p, recent2.id)).status).toBe('succeeded');

    const second = await recover(t0);
    expect(second.body.requeued).toBe(1);
    await dispatcher.runOnce();
    expect(await getDelivery(p, old.id)).toMatchObject({ status: 'succeeded', attemptCount: 2 });
    expect((await recover(t0)).body.requeued).toBe(0);
  });
});

describe('webhook fan-out', () => {
  it('delivers each event to the matching endpoints only: *, exact, prefix.*; not other accounts’ or modes’', async () => {
    const r = await receiver();
    const dispatcher = dispatcherFor(gw, { schedule: [0] });
    const a = await gw.createPartner();
    const b = await gw.createPartner();
    const aLive = await gw.createKey(a.accountId, { name: 'live' }, true);
    await dispatcher.runOnce(); // the events of the partners' set-up are fanned out before the endpoints exist

    const all = await createEndpoint(a, { url: r.url('/all'), enabledEvents: ['*'] });
    const exact = await createEndpoint(a, { url: r.url('/exact'), enabledEvents: ['api_key.created'] });
    const prefix = await createEndpoint(a, { url: r.url('/prefix'), enabledEvents: ['bank_account.*'] });
    const none = await createEndpoint(a, { url: r.url('/none'), enabledEvents: ['loan.*', 'api_key.revoked'] });
    const live = await gw.request('POST', '/v1/webhook-endpoints', {
      key: aLive.secret,
      body: { url: r.url('/live'), enabledEvents: ['*'] },
    });
    expect(live.status).toBe(201);
    expect(live.body.livemode).toBe(true);
    await createEndpoint(b, { url: r.url('/other'), enabledEvents: ['*'] });

    const key = await gw.request('POST', '/v1/api-keys', { key: a.key, body: { name: 'k', scopes: ['events:read'] } });
    expect(key.status).toBe(201);
    const bank = await gw.request('POST', '/v1/bank-accounts', { key: a.key, body: bankAccountBody() });
    expect(bank.status).toBe(201);
    const liveKey = await gw.request('POST', '/v1/api-keys', {
      key: aLive.secret,
      body: { name: 'live k', scopes: ['events:read'] },
    });
    expect(liveKey.status).toBe(201);
    const other = await gw.request('POST', '/v1/api-keys', {
      key: b.key,
      body: { name: 'b', scopes: ['events:read'] },
    });
    expect(other.status).toBe(201);

    const report = await dispatcher.runOnce();
    expect(report.fannedOut).toBe(6); // all×2, exact, prefix, live, other

    const typesAt = (path: string) => r.requestsTo(path).map((q) => q.json.type as string);
    expect(typesAt('/all').sort()).toEqual(['api_key.created', 'bank_account.added']);
    expect(typesAt('/exact')).toEqual(['api_key.created']);
    expect(typesAt('/prefix')).toEqual(['bank_account.added']);
    expect(typesAt('/none')).toEqual([]);
    expect(typesAt('/live')).toEqual(['api_key.created']);
    expect(typesAt('/other')).toEqual(['api_key.created']);

    for (const q of [...r.requestsTo('/all'), ...r.requestsTo('/exact'), ...r.requestsTo('/prefix')]) {
      expect(q.json).toMatchObject({ account: a.accountId, livemode: false });
    }
    expect(r.requestsTo('/exact')[0]!.json.data.object.id).toBe(key.body.id);
    expect(r.requestsTo('/prefix')[0]!.json.data.object.id).toBe(bank.body.id);
    expect(r.requestsTo('/live')[0]!.json).toMatchObject({ account: a.accountId, livemode: true });
    expect(r.requestsTo('/live')[0]!.json.data.object.id).toBe(liveKey.body.id);
    expect(r.requestsTo('/other')[0]!.json).toMatchObject({ account: b.accountId, livemode: false });
    expect(r.requestsTo('/other')[0]!.json.data.object.id).toBe(other.body.id);

    // Each is signed with its own endpoint's secret, and the event is the one in the log.
    const q = r.requestsTo('/exact')[0]!;
    await expect(verifyAt(q.body, q.headers, exact.secret)).resolves.toBeUndefined();
    await expect(verifyAt(q.body, q.headers, all.secret)).rejects.toBeInstanceOf(WebhookVerificationError);
    const logged = await gw.request('GET', `/v1/events/${q.json.id}`, { key: a.key });
    expect(logged.status).toBe(200);
    expect(JSON.parse(q.body)).toEqual(logged.body);

    expect((await gw.request('GET', `/v1/webhook-endpoints/${none.id}/deliveries`, { key: a.key })).body.data).toEqual(
      [],
    );
    const prefixLog = await gw.request('GET', `/v1/webhook-endpoints/${prefix.id}/deliveries`, { key: a.key });
    expect(prefixLog.body.data).toHaveLength(1);
    expect(prefixLog.body.data[0]).toMatchObject({ eventType: 'bank_account.added', status: 'succeeded' });

    // Nothing is fanned out twice.
    const again = await dispatcher.runOnce();
    expect(again.fannedOut).toBe(0);
    expect(r.requests).toHaveLength(6);
  });

  it('a disabled endpoint is sent nothing; its deliveries are held failed and recovered once re-enabled', async () => {
    const r = await receiver();
    const dispatcher = dispatcherFor(gw, { schedule: [0] });
    const p = await partner();
    const ep = await createEndpoint(p, { url: r.url(), enabledEvents: ['*'] });
    const t0 = gw.clock.now().toISOString();
    const disabled = await gw.request('PATCH', `/v1/webhook-endpoints/${ep.id}`, {
      key: p.key,
      body: { status: 'disabled' },
    });
    expect(disabled.body.status).toBe('disabled');
    const key = await gw.request('POST', '/v1/api-keys', { key: p.key, body: { name: 'k', scopes: ['events:read'] } });
    expect(key.status).toBe(201);
    await dispatcher.runOnce();
    expect(r.requests).toEqual([]);
    const held = await gw.request('GET', `/v1/webhook-endpoints/${ep.id}/deliveries`, { key: p.key });
    expect(held.body.data).toHaveLength(1);
    expect(held.body.data[0]).toMatchObject({
      eventType: 'api_key.created',
      status: 'failed',
      attemptCount: 0,
      attempts: [],
    });

    await gw.request('PATCH', `/v1/webhook-endpoints/${ep.id}`, { key: p.key, body: { status: 'enabled' } });
    const recover = await gw.request('POST', `/v1/webhook-endpoints/${ep.id}/recover`, {
      key: p.key,
      body: { since: t0 },
    });
    expect(recover.body.requeued).toBe(1);
    await dispatcher.runOnce();
    expect(r.requests.map((q) => q.json.data.object.id)).toEqual([key.body.id]);
  });

  it('throttleRate: at most that many messages a second to the endpoint', async () => {
    const r = await receiver();
    const p = await partner();
    const ep = await createEndpoint(p, { url: r.url(), enabledEvents: ['*'], throttleRate: 1 });
    const dispatcher = dispatcherFor(gw, { schedule: [0] });
    const ids = [(await sendTest(p, ep.id)).id, (await sendTest(p, ep.id)).id, (await sendTest(p, ep.id)).id];
    const first = await dispatcher.runOnce();
    expect(first.succeeded).toBe(1);
    expect(first.throttled).toBe(2);
    expect(r.requests).toHaveLength(1);
    gw.clock.advance(1000);
    await dispatcher.runOnce();
    expect(r.requests).toHaveLength(2);
    gw.clock.advance(1000);
    await dispatcher.runOnce();
    expect(r.requests).toHaveLength(3);
    for (const id of ids) expect((await getDelivery(p, id)).status).toBe('succeeded');
  });
});

describe('webhook delivery outcomes', () => {
  it('410 disables the endpoint (reason gone) with a webhook_endpoint.disabled event; the delivery fails', async () => {
    const r = await receiver();
    const p = await partner();
    const ep = await createEndpoint(p, { url: r.url(), enabledEvents: ['*'] });
    r.reply({ status: 410, body: 'gone' });
    const d = await sendTest(p, ep.id);
    await dispatcherFor(gw, { schedule: [0, 1000, 1000] }).runOnce();

    expect(await getDelivery(p, d.id)).toMatchObject({ status: 'failed', attemptCount: 1, nextAttemptAt: null });
    const endpoint = await gw.request('GET', `/v1/webhook-endpoints/${ep.id}`, { key: p.key });
    expect(endpoint.body).toMatchObject({ status: 'disabled', disabledReason: 'gone' });
    const events = await gw.request('GET', '/v1/events?type=webhook_endpoint.disabled', { key: p.key });
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0].data.object).toMatchObject({ id: ep.id, status: 'disabled', disabledReason: 'gone' });
    expect(events.body.data[0].data.object).not.toHaveProperty('secret');
    expect(events.body.data[0].data.previousAttributes).toEqual({ status: 'enabled', disabledReason: null });
  });

  it('an exhausted schedule leaves the delivery failed after exactly one attempt per step', async () => {
    const r = await receiver();
    const p = await partner();
    const ep = await createEndpoint(p, { url: r.url(), enabledEvents: ['*'] });
    r.reply({ status: 500 });
    const dispatcher = dispatcherFor(gw, { schedule: [0, 1000, 2000] });
    const d = await sendTest(p, ep.id);
    await dispatcher.runOnce();
    let now = await getDelivery(p, d.id);
    expect(now).toMatchObject({ status: 'pending', attemptCount: 1 });
    expect(Date.parse(now.nextAttemptAt) - Date.parse(now.attempts[0].at)).toBe(1000);
    gw.clock.advance(999);
    await dispatcher.runOnce();
    expect(r.requests).toHaveLength(1); // not due yet
    gw.clock.advance(1);
    await dispatcher.runOnce();
    now = await getDelivery(p, d.id);
    expect(now).toMatchObject({ status: 'pending', attemptCount: 2 });
    expect(Date.parse(now.nextAttemptAt) - Date.parse(now.attempts[1].at)).toBe(2000);
    gw.clock.advance(2000);
    await dispatcher.runOnce();
    now = await getDelivery(p, d.id);
    expect(now).toMatchObject({ status: 'failed', attemptCount: 3, nextAttemptAt: null });
    expect(now.attempts.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([500, 500, 500]);
    gw.clock.advance(60_000);
    await dispatcher.runOnce();
    expect(r.requests).toHaveLength(3);
    expect((await gw.request('GET', `/v1/webhook-endpoints/${ep.id}`, { key: p.key })).body.status).toBe('enabled');
  });

  it.each([
    [503, '15', 15_000],
    [429, '15', 15_000],
    [503, '60', 20_000],
    [429, '1', 10_000],
    [503, 'soon', 10_000],
  ])(
    '%i with Retry-After %s: next attempt %i ms later, within [1×, 2×] the scheduled 10 s',
    async (status, after, expected) => {
      const r = await receiver();
      const p = await partner();
      const ep = await createEndpoint(p, { url: r.url(), enabledEvents: ['*'] });
      r.reply({ status, headers: { 'retry-after': after } });
      const d = await sendTest(p, ep.id);
      await dispatcherFor(gw, { schedule: [0, 10_000] }).runOnce();
      const now = await getDelivery(p, d.id);
      expect(now.status).toBe('pending');
      const wait = Date.parse(now.nextAttemptAt) - Date.parse(now.attempts[0].at);
      expect(wait).toBeGreaterThanOrEqual(10_000);
      expect(wait).toBeLessThanOrEqual(20_000);
      expect(wait).toBe(expected);
    },
  );

  it('Retry-After as an HTTP date is honoured within bounds', async () => {
    const r = await receiver();
    const p = await partner();
    const ep = await createEndpoint(p, { url: r.url(), enabledEvents: ['*'] });
    // An HTTP date has whole seconds: 12 to 13 s from now.
    const retryAt = new Date(Math.floor(gw.clock.now().getTime() / 1000) * 1000 + 13_000);
    r.reply({ status: 503, headers: { 'retry-after': retryAt.toUTCString() } });
    const d = await sendTest(p, ep.id);
    await dispatcherFor(gw, { schedule: [0, 10_000] }).runOnce();
    const now = await getDelivery(p, d.id);
    expect(now.nextAttemptAt).toBe(retryAt.toISOString());
    const wait = Date.parse(now.nextAttemptAt) - Date.parse(now.attempts[0].at);
    expect(wait).toBeGreaterThan(12_000);
    expect(wait).toBeLessThanOrEqual(13_000);
  });

  it('redirects are not followed: a 301 is a failed attempt and the Location is never called', async () => {
    const r = await receiver();
    const p = await partner();
    const ep = await createEndpoint(p, { url: r.url('/hooks'), enabledEvents: ['*'] });
    r.reply((req) =>
      req.path === '/hooks' ? { status: 301, headers: { location: r.url('/moved') } } : { status: 200 },
    );
    const d = await sendTest(p, ep.id);
    await dispatcherFor(gw, { schedule: [0, 5000] }).runOnce();
    const now = await getDelivery(p, d.id);
    expect(now.status).toBe('pending');
    expect(now.attempts).toHaveLength(1);
    expect(now.attempts[0]).toMatchObject({ responseStatus: 301, error: 'redirect not followed' });
    expect(r.requestsTo('/hooks')).toHaveLength(1);
    expect(r.requestsTo('/moved')).toEqual([]);
  });

  it('a connection refused is logged as an attempt with an error and no status', async () => {
    const r = await receiver();
    const url = r.url();
    await r.close();
    receivers.splice(receivers.indexOf(r), 1);
    const p = await partner();
    const ep = await createEndpoint(p, { url, enabledEvents: ['*'] });
    const d = await sendTest(p, ep.id);
    await dispatcherFor(gw, { schedule: [0, 5000] }).runOnce();
    const now = await getDelivery(p, d.id);
    expect(now.status).toBe('pending');
    expect(now.attempts[0].responseStatus).toBeNull();
    expect(now.attempts[0].responseExcerpt).toBeNull();
    expect(now.attempts[0].error).toMatch(/ECONNREFUSED/);
  });
});
