import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, type ReceiverReply, startReceiver } from '../../test/support/webhooks.js';
import { createWebhookSender } from './webhook-sender.js';

let receiver: Receiver;
const sender = createWebhookSender({ allowPrivateNetworks: true, connections: 4 });

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply(({ path }): ReceiverReply => {
    switch (path) {
      // 3,000 two-byte characters: 6,001 bytes, so 1,024 falls inside a character.
      case '/multibyte':
        return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `x${'é'.repeat(3_000)}` };
      // 2 KiB, then the body never ends: the sender must not wait for its end.
      case '/endless':
        return { status: 200, body: 'a'.repeat(2_048), hold: true };
      // Headers at once, the body never: the whole exchange's timeout applies.
      case '/slow-body':
        return { status: 200, hold: true };
      case '/retry':
        return { status: 429, headers: { 'retry-after': '7' }, body: 'slow down' };
      default:
        return { status: 204 };
    }
  });
});

afterAll(async () => {
  await sender.close();
  await receiver.close();
});

const post = (path: string, timeoutMs = 2_000) =>
  sender({ url: receiver.url(path), headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs });

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
