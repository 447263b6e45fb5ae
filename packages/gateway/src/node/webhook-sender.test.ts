import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookSender } from './webhook-sender.js';

/** A receiver whose answer each test picks by path. */
let server: Server;
let base: string;
const sender = createWebhookSender({ allowPrivateNetworks: true, connections: 4 });

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/multibyte') {
        // 3,000 two-byte characters: 6,000 bytes, so 1,024 falls on a character boundary only by luck.
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`x${'é'.repeat(3_000)}`);
      } else if (req.url === '/endless') {
        // 2 KiB, then the body never ends: the sender must not wait for its end.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('a'.repeat(2_048));
      } else if (req.url === '/slow-body') {
        // Headers at once, the body never: the whole exchange's timeout applies.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.flushHeaders();
      } else if (req.url === '/retry') {
        res.writeHead(429, { 'retry-after': '7' });
        res.end('slow down');
      } else {
        res.writeHead(204);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await sender.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (path: string, timeoutMs = 2_000) =>
  sender({ url: `${base}${path}`, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs });

describe('webhook sender: the response excerpt', () => {
  it('keeps at most 1 KiB of a long body, cut on a character boundary', async () => {
    const res = await post('/multibyte');
    expect(res.status).toBe(500);
    expect(Buffer.byteLength(res.excerpt)).toBeLessThanOrEqual(1024);
    expect(Buffer.byteLength(res.excerpt)).toBeGreaterThanOrEqual(1020);
    expect(res.excerpt).toMatch(/^xé+$/);
    expect(res.excerpt).not.toContain('\uFFFD');
  });

  it('answers once it has 1 KiB of a body that never ends, well before the timeout', async () => {
    const started = performance.now();
    const res = await post('/endless', 5_000);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(res.status).toBe(200);
    expect(res.excerpt).toBe('a'.repeat(1024));
  });

  it('times out a body that never comes, naming the timeout', async () => {
    await expect(post('/slow-body', 300)).rejects.toThrow('timed out after 300 ms');
  });

  it('returns an empty excerpt for an empty body, and Retry-After when given', async () => {
    expect(await post('/empty')).toEqual({ status: 204, retryAfter: null, excerpt: '' });
    expect(await post('/retry')).toEqual({ status: 429, retryAfter: '7', excerpt: 'slow down' });
  });
});
