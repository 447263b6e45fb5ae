import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createDb,
  createSecretBox,
  createServices,
  createWebhookDispatcher,
  type DbHandle,
  type DispatchReport,
  generateEncryptionKey,
  parseEncryptionKey,
  type Services,
  schema,
} from '@lendwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore, testStoreKind } from '../../core/test/support.js';
import { createWebhookSender } from '../src/node/webhook-sender.js';

// Two dispatchers on one Postgres database, each on its own connection pool (as two `lendwire worker`
// processes would be), race over the same 500 deliveries: fan-out and claims must never overlap.

const onPostgres = testStoreKind() === 'postgres';
if (!onPostgres) {
  console.log(
    '[lendwire] skipping the webhook dispatcher concurrency test: it needs two connection pools on one real Postgres database (PGlite serves one connection)',
  );
}

const EVENTS = 100;
const ENDPOINTS = 5;
const SCHEDULE = [0, 20, 40, 80, 160, 320, 640, 1000];

let store: TestStore;
let setup: Services;
const handles: DbHandle[] = [];
let server: Server;
let origin: string;

/** What the receiver saw, per `webhook-id`. */
const seen = new Map<string, number>();
const inFlight = new Set<string>();
/** `webhook-id`s that arrived while a request with the same id was still unanswered. */
const overlaps: string[] = [];
let maxInFlight = 0;

beforeAll(async () => {
  if (!onPostgres) return;
  store = await openTestStore();
  const secretBox = createSecretBox(parseEncryptionKey(generateEncryptionKey()));
  setup = createServices({ db: store.handle.db, secretBox, webhooks: { allowPrivateNetworks: true } });

  server = createServer((req, res) => {
    const id = String(req.headers['webhook-id'] ?? '');
    if (inFlight.has(id)) overlaps.push(id);
    inFlight.add(id);
    maxInFlight = Math.max(maxInFlight, inFlight.size);
    const visits = (seen.get(id) ?? 0) + 1;
    seen.set(id, visits);
    req.resume();
    req.on('end', () => {
      // Answer after a few ms (the window in which a second holder would show), and fail a quarter of
      // first tries so the retries race too.
      const status = visits === 1 && Math.random() < 0.25 ? 500 : 200;
      setTimeout(
        () => {
          inFlight.delete(id);
          res.writeHead(status).end(status === 200 ? 'ok' : 'try again');
        },
        Math.floor(Math.random() * 15),
      );
    });
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
  origin = `http://127.0.0.1:${port}`;
  // The dispatchers' own pools (the setup pool only writes events and reads the results).
  for (let i = 0; i < 2; i++) {
    handles.push(await createDb({ databaseUrl: store.handle.databaseUrl!, migrate: false, maxConnections: 8 }));
  }
});

afterAll(async () => {
  for (const handle of handles) await handle.close();
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await store?.close();
});

describe('two dispatchers on one Postgres database', () => {
  it.skipIf(!onPostgres)(
    '500 deliveries: one delivery per event and endpoint, never held by both at once, all succeeded, every attempt logged',
    async () => {
      const account = await setup.accounts.create({ name: 'Concurrency', contactEmail: 'c@example.com' });
      const scope = { accountId: account.id, livemode: false };
      const endpoints = [];
      for (let i = 0; i < ENDPOINTS; i++) {
        endpoints.push(
          await setup.webhookEndpoints.create(scope, {
            url: `${origin}/hooks/${i}`,
            enabledEvents: i % 2 === 0 ? ['*'] : ['bank_account.*'],
          }),
        );
      }
      const eventIds: string[] = [];
      for (let i = 0; i < EVENTS; i++) {
        const type = i % 2 === 0 ? 'bank_account.created' : 'bank_account.deleted';
        eventIds.push((await setup.events.record(scope, type, { id: `ba_${i}`, object: 'bank_account' })).id);
      }

      // Each dispatcher: its own pool, sender and services (with the encryption key of the setup).
      const reports: DispatchReport[][] = [[], []];
      const errors: unknown[] = [];
      let done = false;
      const loops = handles.map(async (handle, n) => {
        const services = createServices({ db: handle.db, secretBox: setup.ctx.secretBox });
        const sender = createWebhookSender({ allowPrivateNetworks: true, connections: 8 });
        const dispatcher = createWebhookDispatcher(services.ctx, {
          sender,
          schedule: SCHEDULE,
          jitter: 0.2,
          timeoutMs: 5_000,
          concurrency: 8,
          // Small batches, so the two claim in turns and race on every pass rather than one taking all.
          batchSize: 20,
          fanOutBatchSize: 10,
        });
        try {
          while (!done) {
            try {
              const report = await dispatcher.runOnce();
              reports[n]!.push(report);
              if (report.claimed === 0 && report.fannedOut === 0) await new Promise((r) => setTimeout(r, 5));
            } catch (error) {
              errors.push(error);
              await new Promise((r) => setTimeout(r, 20));
            }
          }
        } finally {
          await sender.close();
        }
      });

      const t0 = Date.now();
      const deadline = t0 + 90_000;
      try {
        for (;;) {
          const rows = await store.handle.db.select().from(schema.webhookDeliveries);
          const unfanned = (await store.handle.db.select().from(schema.events)).filter((e) => !e.fannedOutAt);
          if (rows.length > 0 && unfanned.length === 0 && rows.every((r) => r.status !== 'pending')) break;
          if (Date.now() > deadline) throw new Error(`not done in 90 s: ${rows.length} deliveries`);
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        done = true;
        await Promise.all(loops);
      }
      const elapsed = Date.now() - t0;

      const deliveries = await store.handle.db.select().from(schema.webhookDeliveries);
      const attempts = await store.handle.db.select().from(schema.webhookAttempts);
      const sum = (n: number, key: keyof DispatchReport) => reports[n]!.reduce((s, r) => s + r[key], 0);
      console.log(
        `[webhooks-concurrency] ${deliveries.length} deliveries, ${attempts.length} attempts in ${elapsed} ms; ` +
          `dispatcher A fanned out ${sum(0, 'fannedOut')} and claimed ${sum(0, 'claimed')}, ` +
          `B fanned out ${sum(1, 'fannedOut')} and claimed ${sum(1, 'claimed')}; receiver max in flight ${maxInFlight}`,
      );

      expect(errors).toEqual([]);
      // Exactly one delivery per event × matching endpoint (`*` and `bank_account.*` both match every
      // event here): 100 × 5 = 500 — no double fan-out, nothing missing.
      const expected = new Set<string>();
      for (const eventId of eventIds) for (const e of endpoints) expected.add(`${eventId} ${e.id}`);
      expect(deliveries).toHaveLength(EVENTS * ENDPOINTS);
      expect(new Set(deliveries.map((d) => `${d.eventId} ${d.endpointId}`))).toEqual(expected);
      expect(sum(0, 'fannedOut') + sum(1, 'fannedOut')).toBe(EVENTS * ENDPOINTS);
      // Both worked: the race was real.
      expect(sum(0, 'claimed')).toBeGreaterThan(0);
      expect(sum(1, 'claimed')).toBeGreaterThan(0);

      // Never held by both: the receiver never had one id in flight twice, and attempts never overlap.
      expect(overlaps).toEqual([]);
      const byDelivery = new Map<string, (typeof attempts)[number][]>();
      for (const a of attempts) byDelivery.set(a.deliveryId, [...(byDelivery.get(a.deliveryId) ?? []), a]);
      for (const d of deliveries) {
        expect(d.status, d.id).toBe('succeeded');
        expect(d.lockedUntil, d.id).toBeNull();
        const logged = (byDelivery.get(d.id) ?? []).sort((a, b) => a.at.getTime() - b.at.getTime());
        // Every attempt the receiver saw is logged once, and counted once.
        expect(seen.get(d.id), d.id).toBe(logged.length);
        expect(d.attemptCount, d.id).toBe(logged.length);
        expect(logged.at(-1)?.responseStatus, d.id).toBe(200);
        expect(logged.slice(0, -1).every((a) => a.responseStatus === 500)).toBe(true);
        for (let i = 1; i < logged.length; i++) {
          const previous = logged[i - 1]!;
          expect(logged[i]!.at.getTime(), d.id).toBeGreaterThanOrEqual(previous.at.getTime() + previous.durationMs - 2);
        }
      }
      expect(seen.size).toBe(EVENTS * ENDPOINTS);
      const retried = deliveries.filter((d) => d.attemptCount > 1).length;
      expect(retried).toBeGreaterThan(0);
      expect(attempts.length).toBe(EVENTS * ENDPOINTS + retried);
    },
    120_000,
  );
});
