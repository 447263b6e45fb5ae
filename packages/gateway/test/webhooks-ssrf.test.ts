import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookDispatcher } from '@lendwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookSender } from '../src/node/webhook-sender.js';
import { createTestGateway, type Partner, type TestGateway } from './support/gateway.js';

// The SSRF guard end to end: the API refuses private URLs with 422 (services as on a server, private
// networks refused), and the Node sender refuses at connect time an address the guard refuses, so a
// name whose DNS answer points inside never reaches the inside. A local receiver stands in for it.

let gw: TestGateway;
let partner: Partner;
let receiver: { server: Server; port: number; hits: string[] };

beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
  receiver = { server, port, hits };
});

afterAll(async () => {
  receiver?.server.closeAllConnections();
  await new Promise<void>((resolve) => (receiver ? receiver.server.close(() => resolve()) : resolve()));
  await gw?.close();
});

describe('POST /v1/webhook-endpoints refuses private URLs', () => {
  it.each([
    ['http://127.0.0.1:8080/hooks', 'loopback'],
    ['http://[::1]:8080/hooks', 'loopback'],
    ['http://localhost:3000/hooks', 'loopback name'],
    ['http://10.0.0.5/hooks', 'private'],
    ['http://172.16.4.4/hooks', 'private'],
    ['https://192.168.1.10/hooks', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://[fe80::1]/hooks', 'link-local'],
    ['http://100.64.0.7/hooks', 'carrier-grade NAT'],
    ['http://[fd00::7]/hooks', 'unique-local'],
    ['http://0.0.0.0/hooks', 'unspecified'],
    ['http://[::ffff:10.0.0.1]/hooks', 'private'],
    ['http://2130706433/hooks', 'loopback'],
  ])('422 for %s (%s), and no endpoint is made', async (url, words) => {
    const res = await gw.request('POST', '/v1/webhook-endpoints', {
      key: partner.key,
      body: { url, enabledEvents: ['*'] },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.text).toContain('url cannot receive webhooks');
    expect(res.text).toContain(words);
    const list = await gw.request('GET', '/v1/webhook-endpoints', { key: partner.key });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
  });

  it('400 for a non-http scheme (the contract refuses it before the guard)', async () => {
    const res = await gw.request('POST', '/v1/webhook-endpoints', {
      key: partner.key,
      body: { url: 'ftp://hooks.example.com/x', enabledEvents: ['*'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.text).toContain('http(s)');
  });

  it('201 for a public literal address; updating it to a private one is 422 and leaves it as it was', async () => {
    const created = await gw.request('POST', '/v1/webhook-endpoints', {
      key: partner.key,
      body: { url: 'https://93.184.216.34/hooks', enabledEvents: ['*'] },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const patched = await gw.request('PATCH', `/v1/webhook-endpoints/${id}`, {
      key: partner.key,
      body: { url: 'http://169.254.169.254/latest/meta-data/' },
    });
    expect(patched.status).toBe(422);
    expect(patched.text).toContain('link-local');
    const after = await gw.request('GET', `/v1/webhook-endpoints/${id}`, { key: partner.key });
    expect(after.body.url).toBe('https://93.184.216.34/hooks');
    await gw.request('DELETE', `/v1/webhook-endpoints/${id}`, { key: partner.key });
  });
});

describe('the Node sender refuses private addresses when it connects', () => {
  const request = (url: string) => ({
    url,
    headers: { 'content-type': 'application/json' },
    body: '{"ping":true}',
    timeoutMs: 2_000,
  });

  it('refuses a host name that resolves to 127.0.0.1, and literal loopback addresses; the receiver sees nothing', async () => {
    const guarded = createWebhookSender({ allowPrivateNetworks: false });
    try {
      for (const url of [
        // `localhost` is looked up in DNS (the hosts file) at connect time: the answer is loopback.
        `http://localhost:${receiver.port}/hooks`,
        `http://127.0.0.1:${receiver.port}/hooks`,
        `http://[::ffff:127.0.0.1]:${receiver.port}/hooks`,
        `http://2130706433:${receiver.port}/hooks`,
      ]) {
        const error = await guarded(request(url)).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, url).toBeInstanceOf(Error);
        expect((error as Error).message, url).toMatch(/^refused/);
        expect((error as Error).message, url).toContain('loopback');
      }
      expect(receiver.hits).toEqual([]);
    } finally {
      await guarded.close();
    }
  });

  it('with private networks allowed the same URLs reach the receiver (the refusal above is the guard)', async () => {
    const open = createWebhookSender({ allowPrivateNetworks: true });
    try {
      for (const url of [`http://localhost:${receiver.port}/open`, `http://127.0.0.1:${receiver.port}/open`]) {
        const res = await open(request(url));
        expect(res.status, url).toBe(200);
      }
      expect(receiver.hits).toEqual(['POST /open', 'POST /open']);
    } finally {
      await open.close();
      receiver.hits.length = 0;
    }
  });

  it('a dispatcher on a guarded sender logs the refusal as the attempt of an endpoint that now resolves inside', async () => {
    // The endpoint was accepted when its name pointed outside (made here through a gateway whose services
    // allow private networks); its DNS now answers loopback, and the production dispatcher refuses it.
    const open = await createTestGateway({ webhooks: { allowPrivateNetworks: true } });
    try {
      const p = await open.createPartner();
      const made = await open.request('POST', '/v1/webhook-endpoints', {
        key: p.key,
        body: { url: `http://localhost:${receiver.port}/rebound`, enabledEvents: ['bank_account.created'] },
      });
      expect(made.status).toBe(201);
      const scope = { accountId: p.accountId, livemode: false };
      const event = await open.services.events.record(scope, 'bank_account.created', { id: 'ba_ssrf' });
      const sender = createWebhookSender({ allowPrivateNetworks: false });
      const dispatcher = createWebhookDispatcher(open.services.ctx, {
        sender,
        schedule: [0, 60_000],
        jitter: 0,
      });
      try {
        const report = await dispatcher.runOnce();
        expect(report).toMatchObject({ fannedOut: 1, claimed: 1, succeeded: 0, retrying: 1 });
      } finally {
        await sender.close();
      }
      const deliveries = await open.request('GET', `/v1/webhook-endpoints/${made.body.id}/deliveries`, { key: p.key });
      expect(deliveries.status).toBe(200);
      expect(deliveries.body.data).toHaveLength(1);
      const [delivery] = deliveries.body.data;
      expect(delivery.eventId).toBe(event.id);
      expect(delivery.status).toBe('pending');
      expect(delivery.attempts).toHaveLength(1);
      expect(delivery.attempts[0].responseStatus).toBeNull();
      expect(delivery.attempts[0].error).toMatch(/^refused: localhost resolves to .*loopback/);
      expect(receiver.hits).toEqual([]);
    } finally {
      await open.close();
    }
  });
});
