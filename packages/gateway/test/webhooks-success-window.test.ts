import { createWebhookDispatcher, DEFAULT_SUCCESS_WINDOW } from '@lendwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookSender } from '../src/node/webhook-sender.js';
import { createTestGateway, type TestGateway } from './support/gateway.js';
import { type Receiver, startReceiver } from './support/webhooks.js';

let gw: TestGateway;
let receiver: Receiver;
const sender = createWebhookSender({ allowPrivateNetworks: true });

beforeAll(async () => {
  gw = await createTestGateway({ webhooks: { allowPrivateNetworks: true } });
  receiver = await startReceiver();
});

afterAll(async () => {
  await sender.close();
  await receiver.close();
  await gw?.close();
});

describe('webhook dispatcher: the success window', () => {
  it('refuses a window that is not a whole number of at least 1, naming the option', () => {
    for (const successWindow of [0, -1, 1.5, Number.NaN]) {
      expect(() => createWebhookDispatcher(gw.services.ctx, { sender, successWindow })).toThrow(
        /^successWindow must be a whole number ≥ 1/,
      );
    }
  });

  it.each([1, DEFAULT_SUCCESS_WINDOW, 64])(
    'with a window of %i, records every success once: one attempt per delivery, each delivery received once',
    async (successWindow) => {
      const p = await gw.createPartner();
      const path = `/window-${successWindow}`;
      const made = await gw.request('POST', '/v1/webhook-endpoints', {
        key: p.key,
        body: { url: receiver.url(path), enabledEvents: ['bank_account.created'] },
      });
      expect(made.status).toBe(201);
      const scope = { accountId: p.accountId, livemode: false };
      for (let i = 0; i < 40; i++) await gw.services.events.record(scope, 'bank_account.created', { id: `ba_${i}` });
      const dispatcher = createWebhookDispatcher(gw.services.ctx, {
        sender,
        concurrency: 4,
        successWindow,
        jitter: 0,
      });
      const report = await dispatcher.runOnce();
      expect(report).toMatchObject({ fannedOut: 40, claimed: 40, succeeded: 40, retrying: 0, failed: 0 });
      const ids = receiver.requestsTo(path).map((r) => String(r.headers['webhook-id']));
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
      const deliveries = await gw.request('GET', `/v1/webhook-endpoints/${made.body.id}/deliveries?limit=100`, {
        key: p.key,
      });
      expect(deliveries.status).toBe(200);
      expect(deliveries.body.data).toHaveLength(40);
      for (const d of deliveries.body.data) {
        expect(d.status).toBe('succeeded');
        expect(d.attempts).toHaveLength(1);
        expect(d.attempts[0].responseStatus).toBe(200);
      }
    },
  );
});
