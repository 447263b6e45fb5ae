import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createSecretBox,
  createServices,
  createWebhookDispatcher,
  generateEncryptionKey,
  parseEncryptionKey,
  type Services,
} from '@lendwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../core/test/support.js';
import { createWebhookSender } from '../src/node/webhook-sender.js';
import { formatWebhookStatus, webhookStatus } from '../src/node/webhooks.js';

/**
 * `lendwire webhooks`: the report the command prints, on a store whose endpoints, deliveries and
 * attempts were made by the services and the dispatcher sending to real local receivers.
 */

let store: TestStore;
let services: Services;
let receiver: Server;
let base: string;
const sender = createWebhookSender({ allowPrivateNetworks: true });

beforeAll(async () => {
  store = await openTestStore();
  // The store's own services refuse local URLs; these allow them (the embedded store's default).
  services = createServices({
    db: store.handle.db,
    now: store.clock.now,
    secretBox: createSecretBox(parseEncryptionKey(generateEncryptionKey())),
    webhooks: { allowPrivateNetworks: true },
  });
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/ok')) res.writeHead(200).end('thanks');
      else res.writeHead(500).end('down');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sender.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await store?.close();
});

describe('lendwire webhooks', () => {
  it('shows per endpoint the 24 h success rate, the last 3 failures and the queue depth, and the fan-out backlog', async () => {
    const empty = await webhookStatus(store.handle.db, store.clock.now());
    expect(empty).toEqual({ endpoints: [], fanOutBacklog: { events: 0, oldest: null } });
    expect(formatWebhookStatus(empty)).toBe('(no webhook endpoints)\nfan-out backlog: 0 event(s)\n');

    const account = await services.accounts.create({ name: 'Ops', contactEmail: 'ops@example.com' });
    const scope = { accountId: account.id, livemode: false };
    const good = await services.webhookEndpoints.create(scope, {
      url: `${base}/ok?token=s3cret`,
      enabledEvents: ['*'],
    });
    const bad = await services.webhookEndpoints.create(scope, { url: `${base}/down`, enabledEvents: ['*'] });
    const dispatcher = createWebhookDispatcher(services.ctx, { sender, schedule: [0], jitter: 0 });
    for (let i = 0; i < 2; i++)
      await services.webhookEndpoints.sendTest(scope, good.id, { eventType: 'customer.created' });
    expect(await dispatcher.runOnce()).toMatchObject({ succeeded: 2 });
    for (let i = 0; i < 4; i++) {
      await services.webhookEndpoints.sendTest(scope, bad.id, { eventType: 'customer.created' });
      store.clock.advance(1000);
      expect(await dispatcher.runOnce()).toMatchObject({ failed: 1 });
    }
    // Queued and not sent yet: one for the failing endpoint; an event not fanned out yet.
    await services.webhookEndpoints.sendTest(scope, bad.id, { eventType: 'customer.created' });
    const customer = await services.customers.create(scope, { name: 'Ada' });
    const event = await services.events.record(scope, 'customer.created', customer);

    const status = await webhookStatus(store.handle.db, store.clock.now());
    expect(status.fanOutBacklog).toEqual({ events: 1, oldest: event.createdAt });
    expect(status.endpoints).toHaveLength(2);
    const g = status.endpoints.find((e) => e.id === good.id)!;
    const b = status.endpoints.find((e) => e.id === bad.id)!;
    expect(g).toEqual({
      id: good.id,
      account: account.id,
      livemode: false,
      host: new URL(base).host,
      status: 'enabled',
      disabledReason: null,
      attempts24h: 2,
      succeeded24h: 2,
      successRate24h: 1,
      lastFailures: [],
      queueDepth: 0,
    });
    expect(b).toMatchObject({ attempts24h: 4, succeeded24h: 0, successRate24h: 0, queueDepth: 1, status: 'enabled' });
    expect(b.lastFailures).toHaveLength(3);
    expect(b.lastFailures.map((f) => f.status)).toEqual([500, 500, 500]);
    const times = b.lastFailures.map((f) => Date.parse(f.at));
    expect(times).toEqual([...times].sort((x, y) => y - x));

    // A day later the attempts are out of the window; the failures are still the last ones seen.
    const later = await webhookStatus(store.handle.db, new Date(store.clock.now().getTime() + 86_400_000 + 60_000));
    const bLater = later.endpoints.find((e) => e.id === bad.id)!;
    expect(bLater).toMatchObject({ attempts24h: 0, successRate24h: null, queueDepth: 1 });
    expect(bLater.lastFailures).toHaveLength(3);

    const text = formatWebhookStatus(status);
    expect(text).toContain(
      `${good.id}  ${account.id} test  ${new URL(base).host}  enabled  100.0% of 2 attempt(s) in 24 h succeeded  queue 0`,
    );
    expect(text).toContain(
      `${bad.id}  ${account.id} test  ${new URL(base).host}  enabled  0.0% of 4 attempt(s) in 24 h succeeded  queue 1`,
    );
    expect(text.match(/ {2}failed \S+ {2}HTTP 500/g)).toHaveLength(3);
    expect(text).toContain(`fan-out backlog: 1 event(s), oldest ${event.createdAt}`);
    // Only the host: the path and query (which can carry a token) are not shown.
    expect(text).not.toContain('s3cret');
    expect(JSON.stringify(status)).not.toContain('s3cret');
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
  });
});
