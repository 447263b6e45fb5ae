import type { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import type { AppEnv } from '../../env.js';
import { etagMatches } from '../../middleware/envelope/index.js';
import { ApiError } from '../../problem.js';
import { requestHeader } from '../../request-headers.js';

/** Where `/docs` loads the reference's script from: the gateway itself, so the page works offline. */
export const DOCS_SCRIPT_PATH = '/docs/assets/api-reference.js';

const PAGE_TITLE = 'Lendwire API reference';

/** The reference's browser bundle, loaded once: its bytes and the content hash that versions its URL. */
export interface DocsScript {
  bytes: Uint8Array<ArrayBuffer>;
  /** Strong ETag of the bytes. */
  etag: string;
  /** Short content hash, the `v` of the page's script URL. */
  version: string;
}

/**
 * Wraps the host's loader of the bundle (see `GatewayOptions.docsScript`) so it runs once, on the
 * first request that needs it, and is hashed once. A failed load is retried on the next request.
 */
export function docsScriptOnce(
  load: () => Promise<string>,
  hash: (input: string) => string,
): () => Promise<DocsScript> {
  let loading: Promise<DocsScript> | undefined;
  return () => {
    loading ??= load().then(
      (text) => {
        const digest = hash(text);
        return {
          bytes: new TextEncoder().encode(text),
          etag: `"${digest.slice(0, 32)}"`,
          version: digest.slice(0, 16),
        };
      },
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
}

/**
 * The page's policy: scripts only from the gateway (the bundle) and the one inline start-up script
 * (by nonce), no `eval`, requests only to the gateway, nothing from another origin. Styles may be
 * inline because the bundle injects its stylesheet at run time.
 */
export function docsPagePolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Shown when the host gave the gateway no bundle to serve (no other origin is ever asked for one). */
const NO_SCRIPT_PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>${PAGE_TITLE}</title></head>
  <body>
    <h1>${PAGE_TITLE}</h1>
    <p>This deployment does not serve the interactive reference. The OpenAPI document is at <a href="/openapi.json">/openapi.json</a>.</p>
  </body>
</html>`;

function randomNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * `GET /docs`, the Scalar interactive reference of `/openapi.json`, and `GET /docs/assets/api-reference.js`,
 * its script (`@scalar/api-reference`'s single-file browser build), served by the gateway rather than a CDN.
 * The page names the script by content hash, so the script is cached for a year; an ETag covers
 * any other URL.
 */
export function registerDocs(app: OpenAPIHono<AppEnv>) {
  app.get('/docs', async (c, next) => {
    const script = c.get('deps').docsScript;
    if (!script) {
      return c.html(NO_SCRIPT_PAGE, 200, { 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" });
    }
    const { version } = await script();
    const nonce = randomNonce();
    const page = Scalar<AppEnv>({
      url: '/openapi.json',
      pageTitle: PAGE_TITLE,
      theme: 'default',
      cdn: `${DOCS_SCRIPT_PATH}?v=${version}`,
      nonce,
      defaultOpenAllTags: true,
      // These features live on Scalar's servers (fonts, telemetry, AI agent, MCP, the developer
      // tools' share and deploy): off, so the page asks nothing of another origin.
      withDefaultFonts: false,
      telemetry: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      showDeveloperTools: 'never',
    });
    const res = (await page(c, next)) as Response;
    // An empty icon: without one every visit logs a 404 for /favicon.ico in the browser's console.
    const html = (await res.text()).replace('<head>', '<head>\n    <link rel="icon" href="data:," />');
    return c.html(html, 200, { 'content-security-policy': docsPagePolicy(nonce), 'cache-control': 'no-cache' });
  });

  app.get(DOCS_SCRIPT_PATH, async (c) => {
    const load = c.get('deps').docsScript;
    if (!load) throw new ApiError('route_not_found', 'This deployment does not serve the API reference script');
    const script = await load();
    const headers: Record<string, string> = {
      etag: script.etag,
      // Immutable only under the URL the page names (content hash); anything else revalidates.
      'cache-control': c.req.query('v') === script.version ? 'public, max-age=31536000, immutable' : 'public, no-cache',
    };
    const ifNoneMatch = requestHeader(c, 'if-none-match');
    if (ifNoneMatch && etagMatches(ifNoneMatch, script.etag)) return c.body(null, 304, headers);
    return c.body(script.bytes, 200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' });
  });
}
