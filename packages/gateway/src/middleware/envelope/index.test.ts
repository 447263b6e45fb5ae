import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { describe, expect, it } from 'vitest';
import type { AppEnv, GatewayDeps } from '../../env.js';
import { envelope, etagMatches, SECURE_HEADERS } from './index.js';

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');
const tagOf = (body: string) => `W/"${sha256Hex(body).slice(0, 32)}"`;
const ORIGIN = 'https://app.example.com';
const corsOptions = {
  allowHeaders: ['Authorization', 'Content-Type'],
  allowMethods: () => ['GET', 'POST', 'OPTIONS'],
  exposeHeaders: ['X-Request-Id', 'ETag'],
  maxAge: 600,
};

function routes(app: Hono<AppEnv>) {
  app.get('/json', (c) => c.json({ id: 'cus_1', name: 'Ada', tags: ['a', 'b'] }));
  app.get('/json-with-headers', (c) => c.json({ ok: true }, 200, { 'Cache-Control': 'no-store' }));
  app.get('/json-with-init', (c) => c.json({ ok: true }, { status: 200, headers: { 'X-Extra': '1' } }));
  app.get('/vary', (c) => c.json({ ok: true }, 200, { Vary: 'Accept-Encoding' }));
  app.get('/text', (c) => c.text('plain body'));
  app.get('/created', (c) => c.json({ ok: true }, 201));
  app.get('/tagged', (c) => c.json({ ok: true }, 200, { ETag: '"mine"' }));
  app.post('/json', (c) => c.json({ id: 1 }, 201));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.onError((_, c) => c.json({ error: true }, 500));
  return app;
}

/** The gateway's envelope, or `hono/cors`, whose CORS behaviour it keeps. */
function appWith(kind: 'envelope' | 'hono', origins: string[]) {
  const app = new Hono<AppEnv>();
  if (kind === 'envelope') {
    app.use('*', envelope({ deps: { hash: sha256Hex } as GatewayDeps, corsOrigins: origins, ...corsOptions }));
  } else {
    app.use(
      '*',
      honoCors({ origin: (o) => (origins.includes('*') || origins.includes(o) ? o : null), ...corsOptions }),
    );
  }
  return routes(app);
}

/** The CORS headers of a response, sorted. */
const corsHeaders = (res: Response) => {
  // Without Access-Control-Allow-Origin a browser reads nothing, so whether expose-headers rides along
  // (hono/cors sends it to every caller, the envelope only to allowed origins) does not matter.
  const allowed = res.headers.has('access-control-allow-origin');
  return [...res.headers]
    .filter(([name]) => name.startsWith('access-control-') || name === 'vary')
    .filter(([name]) => allowed || name !== 'access-control-expose-headers')
    .sort(([a], [b]) => a.localeCompare(b));
};

const cases: [string, string, RequestInit][] = [
  ['a GET from an allowed origin', '/json', { headers: { origin: ORIGIN } }],
  ['a GET from another origin', '/json', { headers: { origin: 'https://evil.example.com' } }],
  ['a GET without Origin', '/json', {}],
  ['a response that already varies', '/vary', { headers: { origin: ORIGIN } }],
  ['a POST', '/json', { method: 'POST', headers: { origin: ORIGIN } }],
  ['a text response', '/text', { headers: { origin: ORIGIN } }],
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

describe('envelope: security headers and CORS', () => {
  for (const origins of [[ORIGIN], ['*'], []]) {
    it.each(cases)(
      `sends the CORS headers hono/cors sends for %s (origins ${JSON.stringify(origins)})`,
      async (_, path, init) => {
        const [theirs, ours] = await Promise.all([
          appWith('hono', origins).request(path, init),
          appWith('envelope', origins).request(path, init),
        ]);
        expect(ours.status).toBe(theirs.status);
        expect(corsHeaders(ours)).toEqual(corsHeaders(theirs));
        for (const [name, value] of Object.entries(SECURE_HEADERS)) expect(ours.headers.get(name)).toBe(value);
        expect(await ours.text()).toBe(await theirs.text());
      },
    );
  }

  it('keeps page-breaking API headers off HTML (the /docs page)', async () => {
    const app = appWith('envelope', []);
    app.get('/page', (c) => c.html('<p>docs</p>'));
    const res = await app.request('/page');
    expect(res.headers.get('content-security-policy')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('allows only the configured origins', async () => {
    const app = appWith('envelope', [ORIGIN]);
    const allowed = await app.request('/json', { headers: { origin: ORIGIN } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-expose-headers')).toBe('X-Request-Id,ETag');
    const other = await app.request('/json', { headers: { origin: 'https://app.example.com.evil.net' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('envelope: request id', () => {
  const app = appWith('envelope', []);
  it('never echoes a client X-Request-Id: every response carries a generated one', async () => {
    for (const bad of ['trace-1.2:3', 'has space', 'x'.repeat(129), 'lw_test_abcdefghijklmnopqrstuvwxyz0123456789ab']) {
      const res = await app.request('/json', { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    }
  });

  it('puts the request id on preflights and on responses not made with c.json', async () => {
    const text = await app.request('/text');
    expect(text.headers.get('x-request-id')).toMatch(/^req_/);
    const pre = await app.request('/json', { method: 'OPTIONS', headers: { 'access-control-request-method': 'GET' } });
    expect(pre.headers.get('x-request-id')).toMatch(/^req_/);
  });
});

describe('envelope: ETag', () => {
  const app = appWith('envelope', []);
  it.each(['/json', '/json-with-headers', '/json-with-init', '/text'])(
    'tags GET %s with the hash of the body it sends',
    async (path) => {
      const res = await app.request(path);
      const body = await res.text();
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe(tagOf(body));
    },
  );

  it('keeps what c.json was given: status, headers and the serialised body', async () => {
    const withHeaders = await app.request('/json-with-headers');
    expect(withHeaders.headers.get('cache-control')).toBe('no-store');
    expect(withHeaders.headers.get('content-type')).toBe('application/json');
    expect(await withHeaders.text()).toBe('{"ok":true}');
    const withInit = await app.request('/json-with-init');
    expect(withInit.headers.get('x-extra')).toBe('1');
  });

  it('answers 304 without body or content type when If-None-Match matches, weakly or in a list', async () => {
    for (const path of ['/json', '/text']) {
      const first = await app.request(path);
      const tag = first.headers.get('etag')!;
      for (const ifNoneMatch of [tag, tag.replace(/^W\//, ''), `"other", ${tag}`, '*']) {
        const res = await app.request(path, { headers: { 'if-none-match': ifNoneMatch } });
        expect(res.status).toBe(304);
        expect(await res.text()).toBe('');
        expect(res.headers.get('etag')).toBe(tag);
        expect(res.headers.get('content-type')).toBeNull();
      }
      const stale = await app.request(path, { headers: { 'if-none-match': 'W/"other"' } });
      expect(stale.status).toBe(200);
    }
  });

  it('leaves other methods, other statuses and responses that carry their own ETag alone', async () => {
    expect((await app.request('/json', { method: 'POST' })).headers.get('etag')).toBeNull();
    expect((await app.request('/created')).headers.get('etag')).toBeNull();
    expect((await app.request('/tagged')).headers.get('etag')).toBe('"mine"');
  });
});

describe('etagMatches', () => {
  it.each([
    ['W/"abc"', 'W/"abc"', true],
    ['"abc"', 'W/"abc"', true],
    ['"x", W/"abc"', 'W/"abc"', true],
    [' * ', 'W/"abc"', true],
    ['"abd"', 'W/"abc"', false],
  ])('%s against %s: %s', (ifNoneMatch, tag, expected) => {
    expect(etagMatches(ifNoneMatch, tag)).toBe(expected);
  });
});
