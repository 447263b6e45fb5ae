import { createServices } from '@lendwire/core';
import { describe, expect, it } from 'vitest';
import { createGateway, type GatewayOptions } from '../../app.js';
import { createJsonLogger } from '../../logger.js';
import { nodeSha256Hex, readDocsScript } from '../../node/index.js';
import { DOCS_SCRIPT_PATH } from './docs.js';

// `/docs` and its script never reach the store: a gateway without a database serves them (as the
// `openapi` command builds one), so these tests run once, not per store.
function gateway(options: Partial<GatewayOptions> = {}) {
  const logs: string[] = [];
  const app = createGateway({
    services: createServices({ db: null as never }),
    logger: createJsonLogger({ level: 'error', write: (line) => logs.push(line) }),
    hash: nodeSha256Hex,
    ...options,
  });
  return { app, logs };
}

const SCRIPT = 'window.Scalar = { createApiReference() {} };';

/** The `src` of the page's script tag and the nonce of each script tag. */
function scriptsOf(html: string) {
  const src = /<script src="([^"]+)"/.exec(html)?.[1];
  const nonces = [...html.matchAll(/<script[^>]* nonce="([^"]+)"/g)].map((m) => m[1]);
  return { src, nonces };
}

describe('GET /docs', () => {
  it('loads the reference script from the gateway, by a URL that names its content hash', async () => {
    const { app } = gateway({ docsScript: async () => SCRIPT });
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<title>Lendwire API reference</title>');
    expect(html).toContain('"url": "/openapi.json"');
    expect(scriptsOf(html).src).toBe(`${DOCS_SCRIPT_PATH}?v=${nodeSha256Hex(SCRIPT).slice(0, 16)}`);
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('sends a policy that allows scripts only from the gateway and the page’s own nonce, and no other origin', async () => {
    const { app } = gateway({ docsScript: async () => SCRIPT });
    const [first, second] = [await app.request('/docs'), await app.request('/docs')];
    const policy = first.headers.get('content-security-policy')!;
    const { nonces } = scriptsOf(await first.text());
    expect(nonces).toHaveLength(2);
    expect(new Set(nonces).size).toBe(1);
    expect(policy).toContain(`script-src 'self' 'nonce-${nonces[0]}'`);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/https?:|\*|unsafe-eval/);
    // A fresh nonce per page.
    expect(scriptsOf(await second.text()).nonces[0]).not.toBe(nonces[0]);
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('without a script from the host, is a plain page that links /openapi.json and loads nothing', async () => {
    const { app } = gateway();
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<a href="/openapi.json">/openapi.json</a>');
    expect(html).not.toContain('<script');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const script = await app.request(DOCS_SCRIPT_PATH);
    expect(script.status).toBe(404);
    expect(((await script.json()) as { code: string }).code).toBe('route_not_found');
  });
});

describe('GET /docs/assets/api-reference.js', () => {
  it('serves the script with a strong ETag, for a year under its hashed URL, and 304 when it is unchanged', async () => {
    const { app } = gateway({ docsScript: async () => SCRIPT });
    const { src } = scriptsOf(await (await app.request('/docs')).text());
    const res = await app.request(src!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = res.headers.get('etag')!;
    expect(etag).toBe(`"${nodeSha256Hex(SCRIPT).slice(0, 32)}"`);
    expect(await res.text()).toBe(SCRIPT);

    const again = await app.request(src!, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
  });

  it('asks for revalidation under any other URL (an old page naming an old version)', async () => {
    const { app } = gateway({ docsScript: async () => SCRIPT });
    for (const path of [DOCS_SCRIPT_PATH, `${DOCS_SCRIPT_PATH}?v=0123456789abcdef`]) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, no-cache');
      expect(await res.text()).toBe(SCRIPT);
    }
  });

  it('loads the script once, and again after a load that failed', async () => {
    let calls = 0;
    const { app, logs } = gateway({
      docsScript: async () => {
        calls += 1;
        if (calls === 1) throw new Error('bundle not found');
        return SCRIPT;
      },
    });
    expect((await app.request('/docs')).status).toBe(500);
    expect(logs.join('\n')).toContain('bundle not found');
    for (let i = 0; i < 3; i++) expect((await app.request('/docs')).status).toBe(200);
    expect((await app.request(DOCS_SCRIPT_PATH)).status).toBe(200);
    expect(calls).toBe(2);
  });
});

describe('readDocsScript (the Node entry’s loader)', () => {
  it('reads the single-file browser build of the installed @scalar/api-reference', async () => {
    const script = await readDocsScript();
    expect(script.length).toBeGreaterThan(1_000_000);
    expect(script).toContain('createApiReference');
  });
});
