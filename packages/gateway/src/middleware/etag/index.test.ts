import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../env.js';
import { etag, etagMatches } from './index.js';

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');
const tagOf = (body: string) => `W/"${sha256Hex(body).slice(0, 32)}"`;

function app(withEtag = true) {
  const a = new Hono<AppEnv>();
  if (withEtag) a.use('*', etag(sha256Hex));
  a.get('/json', (c) => c.json({ id: 'cus_1', name: 'Ada', tags: ['a', 'b'] }));
  a.get('/json-with-headers', (c) => c.json({ ok: true }, 200, { 'Cache-Control': 'no-store' }));
  a.get('/json-with-init', (c) => c.json({ ok: true }, { status: 200, headers: { 'X-Extra': '1' } }));
  a.get('/text', (c) => c.text('plain body'));
  a.get('/replaced', (c) => {
    c.json({ discarded: true });
    return c.json({ kept: true });
  });
  a.get('/not-json-after-json', (c) => {
    c.json({ discarded: true });
    return c.text('sent instead');
  });
  a.get('/created', (c) => c.json({ ok: true }, 201));
  a.get('/tagged', (c) => c.json({ ok: true }, 200, { ETag: '"mine"' }));
  a.post('/json', (c) => c.json({ ok: true }));
  return a;
}

describe('etag', () => {
  it.each(['/json', '/json-with-headers', '/json-with-init', '/replaced', '/text', '/not-json-after-json'])(
    'tags GET %s with the hash of the body it sends, leaving body and headers as they were',
    async (path) => {
      const [res, untagged] = await Promise.all([app().request(path), app(false).request(path)]);
      const body = await res.text();
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe(tagOf(body));
      expect(body).toBe(await untagged.text());
      const withoutTag = [...res.headers].filter(([name]) => name !== 'etag');
      expect(withoutTag).toEqual([...untagged.headers]);
    },
  );

  it('keeps what c.json was given: status, headers and the serialised body', async () => {
    const withHeaders = await app().request('/json-with-headers');
    expect(withHeaders.headers.get('cache-control')).toBe('no-store');
    expect(await withHeaders.text()).toBe('{"ok":true}');
    const withInit = await app().request('/json-with-init');
    expect(withInit.headers.get('x-extra')).toBe('1');
    expect(await (await app().request('/replaced')).json()).toEqual({ kept: true });
  });

  it('answers 304 without body or content type when If-None-Match matches, weakly or in a list', async () => {
    const first = await app().request('/json');
    const tag = first.headers.get('etag')!;
    for (const ifNoneMatch of [tag, tag.replace(/^W\//, ''), `"other", ${tag}`, '*']) {
      const res = await app().request('/json', { headers: { 'if-none-match': ifNoneMatch } });
      expect(res.status).toBe(304);
      expect(await res.text()).toBe('');
      expect(res.headers.get('etag')).toBe(tag);
      expect(res.headers.get('content-type')).toBeNull();
    }
    const stale = await app().request('/json', { headers: { 'if-none-match': 'W/"other"' } });
    expect(stale.status).toBe(200);
  });

  it('leaves other methods, other statuses and responses that carry their own ETag alone', async () => {
    expect((await app().request('/json', { method: 'POST' })).headers.get('etag')).toBeNull();
    expect((await app().request('/created')).headers.get('etag')).toBeNull();
    expect((await app().request('/tagged')).headers.get('etag')).toBe('"mine"');
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
