import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../env.js';
import { cors } from './index.js';

const ORIGIN = 'https://app.example.com';
const options = {
  allowHeaders: ['Authorization', 'Content-Type'],
  allowMethods: ['GET', 'POST', 'OPTIONS'],
  exposeHeaders: ['X-Request-Id', 'ETag'],
  maxAge: 600,
};

/** The same small app behind `hono/cors` or behind ours. */
function appWith(middleware: 'hono' | 'ours', origins: string[]) {
  const app = new Hono<AppEnv>();
  app.use(
    '*',
    middleware === 'ours'
      ? cors({ origins, ...options })
      : honoCors({ origin: (o) => (origins.includes('*') || origins.includes(o) ? o : null), ...options }),
  );
  app.get('/json', (c) => c.json({ ok: true }));
  app.get('/vary', (c) => c.json({ ok: true }, 200, { Vary: 'Accept-Encoding' }));
  app.post('/created', (c) => c.json({ id: 1 }, 201));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.onError((_, c) => c.json({ error: true }, 500));
  return app;
}

const headersOf = (res: Response) => [...res.headers].sort(([a], [b]) => a.localeCompare(b));

const cases: [string, string, RequestInit][] = [
  ['a GET from an allowed origin', '/json', { headers: { origin: ORIGIN } }],
  ['a GET from another origin', '/json', { headers: { origin: 'https://evil.example.com' } }],
  ['a GET without Origin', '/json', {}],
  ['a response that already varies', '/vary', { headers: { origin: ORIGIN } }],
  ['a POST', '/created', { method: 'POST', headers: { origin: ORIGIN } }],
  ['an error response', '/boom', { headers: { origin: ORIGIN } }],
  ['an unknown route', '/nope', { headers: { origin: ORIGIN } }],
  [
    'a preflight from an allowed origin',
    '/json',
    { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } },
  ],
  [
    'a preflight from another origin',
    '/json',
    { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } },
  ],
];

describe('cors', () => {
  for (const origins of [[ORIGIN], ['*'], []]) {
    it.each(cases)(`sends what hono/cors sends for %s (origins ${JSON.stringify(origins)})`, async (_, path, init) => {
      const [theirs, ours] = await Promise.all([
        appWith('hono', origins).request(path, init),
        appWith('ours', origins).request(path, init),
      ]);
      expect(ours.status).toBe(theirs.status);
      expect(headersOf(ours)).toEqual(headersOf(theirs));
      expect(await ours.text()).toBe(await theirs.text());
    });
  }

  it('allows only the configured origins, and exposes the configured headers to every caller', async () => {
    const app = appWith('ours', [ORIGIN]);
    const allowed = await app.request('/json', { headers: { origin: ORIGIN } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-expose-headers')).toBe('X-Request-Id,ETag');
    expect(allowed.headers.get('vary')).toBe('Origin');
    const other = await app.request('/json', { headers: { origin: 'https://app.example.com.evil.net' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
