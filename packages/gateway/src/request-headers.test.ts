import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestHeader } from './request-headers.js';

const app = new Hono();
app.get('/h', (c) =>
  c.json({ auth: requestHeader(c, 'authorization') ?? null, xff: requestHeader(c, 'X-Forwarded-For') ?? null }),
);

describe('requestHeader', () => {
  it("reads Node's parsed headers when the adapter passes the IncomingMessage", async () => {
    const incoming = { headers: { authorization: 'Bearer from-node', 'x-forwarded-for': ['1.1.1.1', '2.2.2.2'] } };
    const res = await app.request('/h', { headers: { authorization: 'Bearer from-request' } }, { incoming });
    expect(await res.json()).toEqual({ auth: 'Bearer from-node', xff: '1.1.1.1, 2.2.2.2' });
  });

  it('falls back to the Web request headers on other runtimes, case-insensitively', async () => {
    const res = await app.request('/h', { headers: { Authorization: 'Bearer web', 'x-forwarded-for': '3.3.3.3' } });
    expect(await res.json()).toEqual({ auth: 'Bearer web', xff: '3.3.3.3' });
  });

  it('is undefined for a header that was not sent', async () => {
    const res = await app.request('/h', {}, { incoming: { headers: {} } });
    expect(await res.json()).toEqual({ auth: null, xff: null });
  });
});
