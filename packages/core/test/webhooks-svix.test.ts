import { inArray, isNull, sql } from 'drizzle-orm';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSvixForwarder, schema, svixAppUid, type TenantScope } from '../src/index.js';
import { openTestStore, type TestStore } from './support.js';

/**
 * The Svix hand-off against Svix's HTTP API. Svix's server cannot run here, so msw stands in for it:
 * a small model of `POST /api/v1/app?get_if_exists=true` (get or create by uid) and
 * `POST /api/v1/app/{app_id}/msg` (409 on a second `eventId` in an app), with scripted failures.
 * The store, the events and the forwarder's outbox claim are real.
 */

const SVIX = 'https://svix.test';
const API_KEY = 'sk_test_lendwire.us';

interface SvixRequest {
  kind: 'app' | 'msg';
  appId?: string;
  headers: Record<string, string>;
  body: any;
  /** Whether the event was already marked fanned out when Svix got its message. */
  markedAtReceipt?: boolean;
}

let store: TestStore;
/** Whether the fake Svix looks up, on each message, whether its event is already marked. */
let probeMarks = false;
const requests: SvixRequest[] = [];
const apps = new Map<string, { id: string; uid: string; name: string }>();
const messages = new Map<string, { appId: string; body: any }>();
/** Status codes to answer, in order, before accepting (per request kind). */
const failures: { app: Response[]; msg: Response[] } = { app: [], msg: [] };

async function marked(eventId: string): Promise<boolean> {
  const [row] = await store.services.ctx.db
    .select({ at: schema.events.fannedOutAt })
    .from(schema.events)
    .where(inArray(schema.events.id, [eventId]));
  return row?.at != null;
}

const server = setupServer(
  http.post(`${SVIX}/api/v1/app`, async ({ request }) => {
    const body = (await request.json()) as any;
    const url = new URL(request.url);
    requests.push({ kind: 'app', headers: Object.fromEntries(request.headers), body });
    const failure = failures.app.shift();
    if (failure) return failure;
    if (request.headers.get('authorization') !== `Bearer ${API_KEY}`) {
      return HttpResponse.json({ code: 'authentication_failed', detail: 'bad key' }, { status: 401 });
    }
    const existing = apps.get(body.uid);
    if (existing) {
      if (url.searchParams.get('get_if_exists') !== 'true') {
        return HttpResponse.json({ code: 'conflict', detail: 'uid exists' }, { status: 409 });
      }
      return HttpResponse.json(existing, { status: 200 });
    }
    const app = { id: `app_${apps.size + 1}`, uid: body.uid, name: body.name };
    apps.set(body.uid, app);
    return HttpResponse.json(app, { status: 201 });
  }),
  http.post(`${SVIX}/api/v1/app/:appId/msg`, async ({ request, params }) => {
    const body = (await request.json()) as any;
    const appId = String(params.appId);
    requests.push({
      kind: 'msg',
      appId,
      headers: Object.fromEntries(request.headers),
      body,
      // Read only when the forwarder holds no transaction: PGlite has one connection.
      markedAtReceipt: probeMarks ? await marked(body.eventId) : undefined,
    });
    const failure = failures.msg.shift();
    if (failure) return failure;
    if (![...apps.values()].some((a) => a.id === appId)) {
      return HttpResponse.json({ code: 'not_found', detail: 'no such app' }, { status: 404 });
    }
    const key = `${appId}:${body.eventId}`;
    if (messages.has(key)) return HttpResponse.json({ code: 'conflict', detail: 'eventId exists' }, { status: 409 });
    messages.set(key, { appId, body });
    return HttpResponse.json(
      { id: `msg_${messages.size}`, eventId: body.eventId, eventType: body.eventType, payload: body.payload },
      { status: 202 },
    );
  }),
);

beforeAll(async () => {
  server.listen({ onUnhandledFrame: 'error' });
  store = await openTestStore();
});
afterAll(async () => {
  server.close();
  await store?.close();
});
beforeEach(async () => {
  // Every test starts from an empty outbox and a fresh Svix.
  await store.services.ctx.db.execute(sql`update events set fanned_out_at = now() where fanned_out_at is null`);
  requests.length = 0;
  apps.clear();
  messages.clear();
  failures.app.length = 0;
  failures.msg.length = 0;
  probeMarks = false;
});
afterEach(() => server.resetHandlers());

let n = 0;
async function tenant(livemode = false): Promise<TenantScope> {
  const account = await store.services.accounts.create({ name: `Svix ${++n}`, contactEmail: 's@example.com' });
  await store.services.ctx.db.execute(sql`update events set fanned_out_at = now() where fanned_out_at is null`);
  return { accountId: account.id, livemode };
}

/** Records `count` events for the tenant (a customer.created each, through the outbox) and returns their ids, oldest first. */
async function eventsFor(scope: TenantScope, count: number): Promise<string[]> {
  for (let i = 0; i < count; i++) {
    const customer = await store.services.customers.create(scope, { name: `C${i}` });
    await store.services.events.record(scope, 'customer.created', customer);
  }
  const rows = await store.services.ctx.db
    .select({ id: schema.events.id, accountId: schema.events.accountId, livemode: schema.events.livemode })
    .from(schema.events)
    .where(isNull(schema.events.fannedOutAt));
  return rows
    .filter((r) => r.accountId === scope.accountId && r.livemode === scope.livemode)
    .map((r) => r.id)
    .sort();
}

async function unforwarded(): Promise<string[]> {
  const rows = await store.services.ctx.db
    .select({ id: schema.events.id })
    .from(schema.events)
    .where(isNull(schema.events.fannedOutAt));
  return rows.map((r) => r.id).sort();
}

const forwarder = (options: { retryScheduleMs?: number[]; holdLocks?: boolean } = {}) =>
  createSvixForwarder(store.services.ctx, { apiKey: API_KEY, serverUrl: SVIX, retryScheduleMs: [0, 0, 0], ...options });

describe('Svix forwarder', () => {
  it('creates one application per account and mode, once, and posts each event with our id as eventId', async () => {
    const a = await tenant();
    const aLive: TenantScope = { ...a, livemode: true };
    const b = await tenant();
    const aIds = await eventsFor(a, 3);
    const aLiveIds = await eventsFor(aLive, 1);
    const bIds = await eventsFor(b, 2);
    const svix = forwarder();

    const report = await svix.forwardOnce();
    expect(report).toMatchObject({ claimed: 6, forwarded: 6, failed: 0 });
    expect(await unforwarded()).toEqual([]);

    const appRequests = requests.filter((r) => r.kind === 'app');
    expect(appRequests.map((r) => r.body.uid).sort()).toEqual(
      [svixAppUid(a.accountId, false), svixAppUid(a.accountId, true), svixAppUid(b.accountId, false)].sort(),
    );
    expect(svixAppUid(a.accountId, false)).toBe(`${a.accountId}_test`);
    expect(svixAppUid(a.accountId, true)).toBe(`${a.accountId}_live`);
    for (const r of appRequests) {
      expect(r.headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['idempotency-key']).toBe(`app_${r.body.uid}`);
      expect(typeof r.body.name).toBe('string');
    }

    // Each message went to its tenant's application, with the event as the built-in dispatcher sends it.
    const msgs = requests.filter((r) => r.kind === 'msg');
    expect(msgs).toHaveLength(6);
    const appOf = (scope: TenantScope) => apps.get(svixAppUid(scope.accountId, scope.livemode))!.id;
    const sent = (ids: string[], scope: TenantScope) => {
      for (const id of ids) {
        const m = msgs.find((r) => r.body.eventId === id);
        expect(m, id).toBeDefined();
        expect(m!.appId).toBe(appOf(scope));
        expect(m!.body.eventType).toBe('customer.created');
        expect(m!.body.payload).toMatchObject({
          id,
          object: 'event',
          type: 'customer.created',
          account: scope.accountId,
          livemode: scope.livemode,
          data: { object: { object: 'customer' } },
        });
        expect(m!.headers['idempotency-key']).toBe(`msg_${id}`);
      }
    };
    sent(aIds, a);
    sent(aLiveIds, aLive);
    sent(bIds, b);
    const fromApi = await store.services.events.get(a, aIds[0]!);
    expect(msgs.find((r) => r.body.eventId === aIds[0])!.body.payload).toEqual(JSON.parse(JSON.stringify(fromApi)));

    // A later pass reuses the applications it knows; a new forwarder (a restart) gets the same one.
    const more = await eventsFor(a, 1);
    requests.length = 0;
    expect(await svix.forwardOnce()).toMatchObject({ claimed: 1, forwarded: 1 });
    expect(requests.map((r) => r.kind)).toEqual(['msg']);
    const more2 = await eventsFor(a, 1);
    requests.length = 0;
    expect(await forwarder().forwardOnce()).toMatchObject({ claimed: 1, forwarded: 1 });
    expect(requests.map((r) => r.kind)).toEqual(['app', 'msg']);
    expect(apps.size).toBe(3);
    expect(requests[1]!.appId).toBe(appOf(a));
    expect(messages.has(`${appOf(a)}:${more[0]}`) && messages.has(`${appOf(a)}:${more2[0]}`)).toBe(true);
    expect(await svix.forwardOnce()).toMatchObject({ claimed: 0, forwarded: 0 });
  });

  it('retries a message on 5xx and 429 with the same idempotency key, and marks the event once accepted', async () => {
    const a = await tenant();
    const [id] = await eventsFor(a, 1);
    failures.msg.push(
      HttpResponse.json({ detail: 'boom' }, { status: 500 }),
      HttpResponse.json({ detail: 'slow down' }, { status: 429, headers: { 'retry-after': '0' } }),
      HttpResponse.json({ detail: 'unavailable' }, { status: 503 }),
    );
    const report = await forwarder().forwardOnce();
    expect(report).toMatchObject({ claimed: 1, forwarded: 1, failed: 0 });
    const tries = requests.filter((r) => r.kind === 'msg');
    expect(tries).toHaveLength(4);
    expect(new Set(tries.map((r) => r.headers['idempotency-key']))).toEqual(new Set([`msg_${id}`]));
    expect(tries.map((r) => r.headers['svix-retry-count'] ?? null)).toEqual([null, '1', '2', '3']);
    expect(tries.every((r) => r.body.eventId === id)).toBe(true);
    expect(await marked(id!)).toBe(true);
  });

  it('without held locks (the embedded store): marks each event only after Svix accepted it', async () => {
    probeMarks = true;
    const a = await tenant();
    const ids = await eventsFor(a, 4);
    failures.msg.push(HttpResponse.json({ detail: 'boom' }, { status: 500 }));
    expect(await forwarder({ holdLocks: false }).forwardOnce()).toMatchObject({ claimed: 4, forwarded: 4 });
    expect(await unforwarded()).toEqual([]);
    const msgs = requests.filter((r) => r.kind === 'msg');
    expect(msgs).toHaveLength(5);
    expect(msgs.every((r) => r.markedAtReceipt === false)).toBe(true);
    expect([...messages.values()].map((m) => m.body.eventId).sort()).toEqual(ids);
  });

  it('retries the application get-or-create on 5xx', async () => {
    const a = await tenant();
    const [id] = await eventsFor(a, 1);
    failures.app.push(HttpResponse.json({ detail: 'boom' }, { status: 502 }));
    expect(await forwarder().forwardOnce()).toMatchObject({ forwarded: 1 });
    expect(requests.filter((r) => r.kind === 'app')).toHaveLength(2);
    expect(apps.size).toBe(1);
    expect(await marked(id!)).toBe(true);
  });

  it('leaves an event Svix did not accept for a later pass, which Svix deduplicates by eventId', async () => {
    const a = await tenant();
    const [first, second] = await eventsFor(a, 2);
    // Svix keeps failing for longer than one pass retries: nothing is marked.
    for (let i = 0; i < 8; i++) failures.msg.push(HttpResponse.json({ detail: 'down' }, { status: 503 }));
    const svix = forwarder();
    const down = await svix.forwardOnce();
    expect(down).toMatchObject({ claimed: 2, forwarded: 0, failed: 2 });
    expect(down.errors.join('\n')).toContain('503');
    expect(await unforwarded()).toEqual([first, second]);

    // Svix had in fact stored the first (its answer was lost): the retry gets 409, which counts as accepted.
    const appId = apps.get(svixAppUid(a.accountId, false))!.id;
    messages.set(`${appId}:${first}`, { appId, body: { eventId: first } });
    requests.length = 0;
    const up = await svix.forwardOnce();
    expect(up).toMatchObject({ claimed: 2, forwarded: 2, failed: 0 });
    expect(await unforwarded()).toEqual([]);
    expect(
      requests
        .filter((r) => r.kind === 'msg')
        .map((r) => r.body.eventId)
        .sort(),
    ).toEqual([first, second].sort());
    expect([...messages.keys()].filter((k) => k.startsWith(`${appId}:`))).toHaveLength(2);
  });

  it('does not retry a 4xx refusal, and does not mark the event', async () => {
    const a = await tenant();
    const [id] = await eventsFor(a, 1);
    failures.msg.push(HttpResponse.json({ code: 'validation', detail: 'bad event type' }, { status: 422 }));
    const report = await forwarder().forwardOnce();
    expect(report).toMatchObject({ claimed: 1, forwarded: 0, failed: 1 });
    expect(report.errors[0]).toContain('422');
    expect(requests.filter((r) => r.kind === 'msg')).toHaveLength(1);
    expect(await marked(id!)).toBe(false);

    // A wrong API key: the application request is refused, nothing is posted or marked.
    requests.length = 0;
    const wrong = createSvixForwarder(store.services.ctx, { apiKey: 'sk_wrong', serverUrl: SVIX });
    expect(await wrong.forwardOnce()).toMatchObject({ claimed: 1, forwarded: 0, failed: 1 });
    expect(requests.map((r) => r.kind)).toEqual(['app']);
    expect(await marked(id!)).toBe(false);
  });

  it('two forwarders at once post each event once (the outbox claim skips locked events)', async () => {
    const a = await tenant();
    const ids = await eventsFor(a, 6);
    const [x, y] = await Promise.all([forwarder().forwardOnce(), forwarder().forwardOnce()]);
    expect(x.forwarded + y.forwarded).toBe(6);
    expect(await unforwarded()).toEqual([]);
    const posted = requests.filter((r) => r.kind === 'msg').map((r) => r.body.eventId);
    expect(posted.sort()).toEqual(ids);
  });

  it('reports its lag as the age of the oldest event not forwarded', async () => {
    const a = await tenant();
    await eventsFor(a, 1);
    store.clock.advance(60_000);
    const svix = forwarder();
    expect((await svix.lag()).fanOutMs).toBeGreaterThanOrEqual(60_000);
    await svix.forwardOnce();
    expect((await svix.lag()).fanOutMs).toBe(0);
  });
});
