import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createDb,
  createSecretBox,
  createServices,
  createWebhookDispatcher,
  generateEncryptionKey,
  parseEncryptionKey,
  schema,
} from '@lendwire/core';
import { describe, expect, it } from 'vitest';
import { openTestStore, testStoreKind } from '../../core/test/support.js';
import { createWebhookSender } from '../src/node/webhook-sender.js';

const onPostgres = testStoreKind() === 'postgres';
if (!onPostgres)
  console.log('[webhooks-lease] skipped on PGlite: two dispatchers need two connections to one database');

describe.skipIf(!onPostgres)('a batch that outlives its lease', () => {
  it('is never sent by two dispatchers: each delivery renews its lease before its send', async () => {
    const store = await openTestStore();
    const secretBox = createSecretBox(parseEncryptionKey(generateEncryptionKey()));
    const setup = createServices({ db: store.handle.db, secretBox, webhooks: { allowPrivateNetworks: true } });
    const inFlight = new Set<string>();
    const overlaps: string[] = [];
    const seen = new Map<string, number>();
    // Slow (600 ms) but within the timeout: a batch of 100 over 16 lanes takes ~7 rounds (4 s+), past the
    // claim's 2.5 s lease, while each send stays well inside the lease it renews (margin for a loaded CI).
    const server = createServer((req, res) => {
      const id = String(req.headers['webhook-id']);
      if (inFlight.has(id)) overlaps.push(id);
      inFlight.add(id);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          inFlight.delete(id);
          res.end('ok');
        }, 600),
      );
    });
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
    const account = await setup.accounts.create({ name: 'Lease', contactEmail: 'lease@example.com' });
    const scope = { accountId: account.id, livemode: false };
    await setup.webhookEndpoints.create(scope, { url: `http://127.0.0.1:${port}/h`, enabledEvents: ['*'] });
    for (let i = 0; i < 100; i++) await setup.events.record(scope, 'bank_account.added', { id: `ba_${i}` });
    const dispatcher = async () => {
      const handle = await createDb({ databaseUrl: store.handle.databaseUrl!, migrate: false, maxConnections: 8 });
      const services = createServices({ db: handle.db, secretBox });
      const sender = createWebhookSender({ allowPrivateNetworks: true });
      return {
        handle,
        sender,
        d: createWebhookDispatcher(services.ctx, { sender, timeoutMs: 1_000, leaseMs: 2_500, jitter: 0 }),
      };
    };
    const a = await dispatcher();
    const b = await dispatcher();
    try {
      await a.d.fanOut();
      const passA = a.d.runOnce(); // claims all 100
      await new Promise((r) => setTimeout(r, 2_700)); // A's claim lease (2.5 s) has lapsed mid-batch
      const reportB = await b.d.runOnce();
      const reportA = await passA;
      // A delivery neither pass sent (its lease changed hands between them) waits for the next pass,
      // once its lease lapses: sending late is allowed, sending twice is not.
      let late = 0;
      for (let pass = 0; pass < 10 && late + reportA.succeeded + reportB.succeeded < 100; pass++) {
        await new Promise((r) => setTimeout(r, 2_600));
        late += (await a.d.runOnce()).succeeded;
      }
      const rows = await store.handle.db.select().from(schema.webhookDeliveries);
      const attempts = await store.handle.db.select().from(schema.webhookAttempts);
      const doubled = [...seen.values()].filter((n) => n > 1).length;
      console.log('[webhooks-lease]', {
        a: reportA.succeeded,
        b: reportB.succeeded,
        overlaps: overlaps.length,
        doubled,
      });
      expect(overlaps).toEqual([]);
      expect(doubled).toBe(0);
      expect(seen.size).toBe(100);
      expect(reportA.succeeded + reportB.succeeded + late).toBe(100);
      expect(rows.every((r) => r.status === 'succeeded' && r.attemptCount === 1)).toBe(true);
      expect(attempts).toHaveLength(100);
    } finally {
      server.closeAllConnections();
      server.close();
      await a.sender.close();
      await b.sender.close();
      await a.handle.close();
      await b.handle.close();
      await store.close();
    }
  }, 60_000);
});
