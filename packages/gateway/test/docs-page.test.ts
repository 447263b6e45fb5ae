import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '@lendwire/contract';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore, testStoreKind } from '../../core/test/support.js';
import { loadConfig } from '../src/config.js';
import { type RunningGateway, startGateway } from '../src/node/index.js';

/**
 * `/docs` in a real browser: Debian's Chromium, driven by playwright-core (which downloads no browser
 * of its own), against the gateway as `lendwire start` runs it. The page must render the reference
 * with nothing but the gateway to talk to: every request to another origin is recorded and refused.
 */
const CHROMIUM = process.env.LENDWIRE_CHROMIUM ?? '/usr/bin/chromium';

function skipReason(): string | undefined {
  if (testStoreKind() === 'postgres') return 'it runs in the pglite project only (the page does not touch the store)';
  // CI installs Chromium (.ci/run): there a missing browser fails the test instead of hiding it.
  if (!existsSync(CHROMIUM) && !process.env.CI) {
    return `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set LENDWIRE_CHROMIUM)`;
  }
  return undefined;
}

const skip = skipReason();
if (skip) console.log(`[lendwire] skipping the /docs browser test: ${skip}`);

interface Operation {
  summary: string;
}

describe.skipIf(Boolean(skip))('/docs in headless Chromium', () => {
  const rootKey = generateApiKey('test');
  let store: TestStore;
  let running: RunningGateway;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  /** What the page's Content-Security-Policy refused (it allows no other origin). */
  const refusedByPolicy: string[] = [];
  const requests: string[] = [];
  const foreignRequests: string[] = [];
  let scriptResponse: { status: number; headers: Record<string, string> } | undefined;
  let summaries: string[];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lendwire-docs-page-test-'));
    // The browser starts while the gateway opens its store (and is closed even if the gateway fails).
    const launching = chromium
      .launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
      .then((launched) => {
        browser = launched;
      });
    // A launch failure (no browser) is reported where it is awaited, not as an unhandled rejection.
    launching.catch(() => {});
    store = await openTestStore();
    running = await startGateway(
      loadConfig({ PORT: '0', LENDWIRE_DATA_DIR: dataDir, LENDWIRE_ROOT_KEY: rootKey, LENDWIRE_LOG_LEVEL: 'silent' }),
      { db: store.handle },
    );
    await launching;

    const doc = (await (await fetch(`${running.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    summaries = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.summary));

    const origin = new URL(running.url).origin;
    const context = await browser.newContext();
    // Offline by construction: whatever the page asks of another origin is noted and refused.
    await context.route(
      (url) => url.origin !== origin,
      (route) => {
        foreignRequests.push(route.request().url());
        return route.abort('internetdisconnected');
      },
    );
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      consoleErrors.push(`${message.text()} (${message.location().url})`);
      if (message.text().includes('Content Security Policy')) refusedByPolicy.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    page.on('response', async (response) => {
      if (new URL(response.url()).pathname === '/docs/assets/api-reference.js') {
        scriptResponse = { status: response.status(), headers: await response.allHeaders() };
      }
    });
    await page.goto(`${running.url}/docs`, { waitUntil: 'domcontentloaded' });
    // Rendered: the reference has fetched /openapi.json and lists its last operation. Seconds on an
    // idle machine; the bound is for a busy CI runner, and only a broken page comes near it.
    await page.getByText(summaries.at(-1)!).first().waitFor({ timeout: 45_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await store?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('renders the reference, titled, from a page that loads its script from the gateway', async () => {
    expect(await page.title()).toBe('Lendwire API reference');
    await expect(page.getByRole('heading', { name: 'Lendwire API', exact: true }).first().isVisible()).resolves.toBe(
      true,
    );
    expect(scriptResponse?.status).toBe(200);
    expect(scriptResponse?.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(scriptResponse?.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('lists every operation of /openapi.json', async () => {
    expect(summaries.length).toBeGreaterThan(40);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point (what a reader sees).
    const text = await page.innerText('body');
    const missing = summaries.filter((summary) => !text.includes(summary));
    expect(missing).toEqual([]);
  });

  it('asks nothing of another origin', () => {
    expect(requests.some((url) => url.includes('/docs/assets/api-reference.js'))).toBe(true);
    expect(requests.some((url) => url.endsWith('/openapi.json'))).toBe(true);
    expect(foreignRequests).toEqual([]);
    expect(refusedByPolicy).toEqual([]);
  });

  it('logs no console error and throws no uncaught error', () => {
    expect(consoleErrors).toEqual([]);
  });
});
