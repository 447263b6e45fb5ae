import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type BankAccount,
  type LendwireEvent,
  type WebhookDelivery,
  type WebhookEndpoint,
  WebhookVerificationError,
} from '../src/index.js';
import { type E2EGateway, type Partner, startE2EGateway } from './support/gateway.js';

/** One POST the receiver got: the raw body and headers, as a receiver would verify them. */
interface Received {
  raw: string;
  headers: IncomingHttpHeaders;
  answered: number;
}

/** A local webhook receiver whose answer (200 or 500) the test switches. */
interface Receiver {
  url: string;
  received: Received[];
  status: number;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const receiver = { received, status: 200 } as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = receiver.status;
      received.push({ raw: Buffer.concat(chunks).toString('utf8'), headers: req.headers, answered });
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered === 200 ? 'ok' : 'receiver down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/lendwire`;
  receiver.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((e) => (e ? reject(e) : resolve()));
    });
  return receiver;
}

/** Polls `probe` every 50 ms until it returns something other than undefined; fails after `ms`. */
async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The receiver's requests whose body is the event `type` about `objectId`. */
function receivedFor(receiver: Receiver, type: string, objectId: string): Received[] {
  return receiver.received.filter((r) => {
    const body = JSON.parse(r.raw) as { type: string; data: { object: { id?: string } } };
    return body.type === type && body.data.object.id === objectId;
  });
}

let gw: E2EGateway;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  // The Node entry's built-in dispatcher runs (workers on); the retry schedule is compressed to three
  // attempts 0, 100 and 200 ms apart. The embedded store allows endpoints on private networks.
  gw = await startE2EGateway({ LENDWIRE_WEBHOOK_SCHEDULE: '0,100,200' });
});
afterAll(async () => {
  await gw?.close();
  await receiver?.close();
});

const bankAccountParams = (last4: string) => ({
  bankCode: '058',
  accountNumber: `012345${last4}`,
  accountName: 'Ada Obi',
  currency: 'NGN' as const,
});

describe('webhooks end to end: SDK → gateway → built-in dispatcher → receiver', () => {
  let partner: Partner;
  let endpoint: WebhookEndpoint;
  let secret: string;
  let bankAccount: BankAccount;

  beforeAll(async () => {
    partner = await gw.createPartner('Webhook Partner');
  });

  it('creates an endpoint for bank_account.*, with its secret shown once', async () => {
    endpoint = await partner.client.webhookEndpoints.create({
      url: receiver.url,
      enabledEvents: ['bank_account.*'],
      description: 'e2e receiver',
    });
    expect(endpoint).toMatchObject({
      object: 'webhook_endpoint',
      url: receiver.url,
      enabledEvents: ['bank_account.*'],
      description: 'e2e receiver',
      status: 'enabled',
      disabledReason: null,
      livemode: false,
    });
    expect(endpoint.id).toMatch(/^we_/);
    expect(endpoint.secret).toMatch(/^whsec_/);
    secret = endpoint.secret!;
    const retrieved = await partner.client.webhookEndpoints.retrieve(endpoint.id);
    expect(retrieved.secret).toBeUndefined();
    expect(retrieved).toEqual({ ...endpoint, secret: undefined });
    expect((await partner.client.webhookEndpoints.list().toArray()).map((e) => e.id)).toEqual([endpoint.id]);
  });

  it('delivers bank_account.added, signed so that webhooks.unwrap verifies it and types it', async () => {
    bankAccount = await partner.client.bankAccounts.create(bankAccountParams('1234'));
    const [request] = await waitFor('bank_account.added at the receiver', () => {
      const got = receivedFor(receiver, 'bank_account.added', bankAccount.id);
      return got.length > 0 ? got : undefined;
    });
    expect(request!.headers['user-agent']).toBe('Lendwire-Webhooks/1');
    const event = await partner.client.webhooks.unwrap(
      request!.raw,
      request!.headers as Record<string, string>,
      secret,
    );
    expectTypeOf(event).toEqualTypeOf<LendwireEvent>();
    if (event.type !== 'bank_account.added') throw new Error(`expected bank_account.added, got ${event.type}`);
    expectTypeOf(event.data.object).toEqualTypeOf<BankAccount>();
    expect(event.data.object).toEqual(bankAccount);
    expect(event).toMatchObject({ object: 'event', account: partner.id, livemode: false });
    // The event is the one the events API lists, and the delivery is logged as a success.
    expect(await partner.client.events.retrieve(event.id)).toEqual(event);
    const delivery = await waitFor('the delivery to be logged as succeeded', async () => {
      const [d] = (await partner.client.webhookEndpoints.listDeliveries(endpoint.id, { status: 'succeeded' })).data;
      return d?.eventId === event.id ? d : undefined;
    });
    expect(request!.headers['webhook-id']).toBe(delivery.id);
    expect(delivery).toMatchObject({
      object: 'webhook_delivery',
      endpointId: endpoint.id,
      eventType: 'bank_account.added',
      status: 'succeeded',
      attemptCount: 1,
      nextAttemptAt: null,
    });
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ responseStatus: 200, error: null, responseExcerpt: 'ok' }),
    ]);
    expect(await partner.client.webhookDeliveries.retrieve(delivery.id)).toEqual(delivery);
  });

  it('refuses a tampered body or a wrong secret', async () => {
    const [request] = receivedFor(receiver, 'bank_account.added', bankAccount.id);
    const headers = request!.headers as Record<string, string>;
    const tampered = request!.raw.replace('Ada Obi', 'Eve Obi');
    await expect(partner.client.webhooks.unwrap(tampered, headers, secret)).rejects.toMatchObject({
      code: 'invalid_signature',
    });
    await expect(
      partner.client.webhooks.unwrap(request!.raw, headers, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
    ).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  let failed: WebhookDelivery;

  it('retries a delivery the receiver answers 500, then marks it failed with every attempt logged', async () => {
    receiver.status = 500;
    const removed = await partner.client.bankAccounts.del(bankAccount.id);
    failed = await waitFor('the bank_account.removed delivery to fail', async () => {
      const all = await partner.client.webhookEndpoints.listDeliveries(endpoint.id).toArray();
      const d = all.find((x) => x.eventType === 'bank_account.removed');
      return d?.status === 'failed' ? d : undefined;
    });
    // Three attempts (the compressed schedule), each a 500 the receiver really answered.
    expect(failed).toMatchObject({ status: 'failed', attemptCount: 3, nextAttemptAt: null });
    expect(failed.attempts.map((a) => [a.responseStatus, a.responseExcerpt, a.error])).toEqual([
      [500, 'receiver down', null],
      [500, 'receiver down', null],
      [500, 'receiver down', null],
    ]);
    const got = receivedFor(receiver, 'bank_account.removed', removed.id);
    expect(got.map((r) => r.answered)).toEqual([500, 500, 500]);
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set([failed.id]));
    // The status filter finds it; the succeeded one is not among the failed.
    const failedOnly = await partner.client.webhookEndpoints
      .listDeliveries(endpoint.id, { status: 'failed' })
      .toArray();
    expect(failedOnly.map((d) => d.id)).toEqual([failed.id]);
  });

  it('retry() re-sends the failed delivery once the receiver is back: delivered', async () => {
    receiver.status = 200;
    const queued = await partner.client.webhookDeliveries.retry(failed.id).withResponse();
    expect(queued.response.status).toBe(202);
    expect(queued.data).toMatchObject({ id: failed.id, status: 'pending', attemptCount: 3 });
    const delivered = await waitFor('the retried delivery to succeed', async () => {
      const d = await partner.client.webhookDeliveries.retrieve(failed.id);
      return d.status === 'succeeded' ? d : undefined;
    });
    expect(delivered.attemptCount).toBe(4);
    expect(delivered.attempts.map((a) => a.responseStatus)).toEqual([500, 500, 500, 200]);
    const last = receiver.received.filter((r) => r.headers['webhook-id'] === failed.id).at(-1)!;
    expect(last.answered).toBe(200);
    const event = await partner.client.webhooks.unwrap(last.raw, last.headers as Record<string, string>, secret);
    expect(event.type).toBe('bank_account.removed');
    if (event.type === 'bank_account.removed') expect(event.data.object.status).toBe('removed');
  });

  it('recover({ since }) re-queues what failed while the receiver was down', async () => {
    const since = new Date(Date.now() - 1000);
    receiver.status = 500;
    const other = await partner.client.bankAccounts.create(bankAccountParams('5678'));
    const [first] = await waitFor('the event at the receiver', () => {
      const got = receivedFor(receiver, 'bank_account.added', other.id);
      return got.length > 0 ? got : undefined;
    });
    const down = await waitFor('the delivery to fail', async () => {
      const d = await partner.client.webhookDeliveries.retrieve(first!.headers['webhook-id'] as string);
      return d.status === 'failed' ? d : undefined;
    });
    expect(down.attempts.map((a) => a.responseStatus)).toEqual([500, 500, 500]);
    receiver.status = 200;
    const result = await partner.client.webhookEndpoints.recover(endpoint.id, { since });
    expect(result).toEqual({ object: 'webhook_recovery', endpointId: endpoint.id, requeued: 1 });
    const delivered = await waitFor('the recovered delivery to succeed', async () => {
      const d = await partner.client.webhookDeliveries.retrieve(down.id);
      return d.status === 'succeeded' ? d : undefined;
    });
    expect(delivered.attempts.at(-1)!.responseStatus).toBe(200);
    // Nothing failed since then any more.
    expect(await partner.client.webhookEndpoints.recover(endpoint.id, { since: since.toISOString() })).toMatchObject({
      requeued: 0,
    });
  });

  it('test() sends a sample event to the endpoint, which verifies', async () => {
    const queued = await partner.client.webhookEndpoints.test(endpoint.id, { eventType: 'loan.disbursed' });
    expect(queued).toMatchObject({ object: 'webhook_delivery', status: 'pending', eventType: 'loan.disbursed' });
    const request = await waitFor('the test event at the receiver', () =>
      receiver.received.find((r) => r.headers['webhook-id'] === queued.id),
    );
    const event = await partner.client.webhooks.unwrap(request.raw, request.headers as Record<string, string>, secret);
    expect(event).toMatchObject({ id: queued.eventId, type: 'loan.disbursed', data: { object: { object: 'test' } } });
  });

  it('signs with the old and the new secret during a rotation’s grace period, and only the new one after', async () => {
    const rotated = await partner.client.webhookEndpoints.rotateSecret(endpoint.id, { gracePeriodSeconds: 3600 });
    const newSecret = rotated.secret!;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);
    expect(Date.parse(rotated.previousSecretExpiresAt!)).toBeGreaterThan(Date.now() + 3500_000);

    const during = await partner.client.bankAccounts.create(bankAccountParams('9012'));
    const [inGrace] = await waitFor('the event sent during grace', () => {
      const got = receivedFor(receiver, 'bank_account.added', during.id);
      return got.length > 0 ? got : undefined;
    });
    const headers = inGrace!.headers as Record<string, string>;
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    // A receiver holding only the old secret, only the new one, or both: all verify.
    for (const held of [secret, newSecret, [secret, newSecret]]) {
      const event = await partner.client.webhooks.unwrap(inGrace!.raw, headers, held);
      expect(event.type === 'bank_account.added' && event.data.object.id).toBe(during.id);
    }

    // A rotation without grace: only the newest secret signs.
    const final = await partner.client.webhookEndpoints.rotateSecret(endpoint.id, { gracePeriodSeconds: 0 });
    expect(final.previousSecretExpiresAt).toBeNull();
    const after = await partner.client.bankAccounts.create(bankAccountParams('3456'));
    const [afterGrace] = await waitFor('the event sent after the rotation', () => {
      const got = receivedFor(receiver, 'bank_account.added', after.id);
      return got.length > 0 ? got : undefined;
    });
    const afterHeaders = afterGrace!.headers as Record<string, string>;
    expect(afterHeaders['webhook-signature']!.split(' ')).toHaveLength(1);
    await expect(partner.client.webhooks.unwrap(afterGrace!.raw, afterHeaders, final.secret!)).resolves.toMatchObject({
      type: 'bank_account.added',
    });
    for (const stale of [secret, newSecret]) {
      await expect(partner.client.webhooks.unwrap(afterGrace!.raw, afterHeaders, stale)).rejects.toMatchObject({
        code: 'invalid_signature',
      });
    }
  });

  it('update() disables the endpoint and del() removes it', async () => {
    const disabled = await partner.client.webhookEndpoints.update(endpoint.id, { status: 'disabled' });
    expect(disabled).toMatchObject({ status: 'disabled', disabledReason: 'manual' });
    const deleted = await partner.client.webhookEndpoints.del(endpoint.id);
    expect(deleted).toMatchObject({ id: endpoint.id, status: 'disabled', disabledReason: 'deleted' });
    await expect(partner.client.webhookEndpoints.retrieve(endpoint.id)).rejects.toMatchObject({ status: 404 });
    await expect(partner.client.webhookDeliveries.retry(failed.id)).rejects.toMatchObject({
      status: 409,
      code: 'state_conflict',
    });
  });

  it('hides one account’s endpoints and deliveries from another', async () => {
    const other = await gw.createPartner('Other Partner');
    await expect(other.client.webhookDeliveries.retrieve(failed.id)).rejects.toMatchObject({ status: 404 });
    await expect(other.client.webhookEndpoints.listDeliveries(endpoint.id).toArray()).rejects.toMatchObject({
      status: 404,
    });
    expect(await other.client.webhookEndpoints.list().toArray()).toEqual([]);
  });
});
