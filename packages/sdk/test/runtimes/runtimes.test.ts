/// <reference types="node" />
// The built `@lendwire/sdk` against a real gateway on every runtime DESIGN §6 promises: Node (plain ESM,
// no loader), Bun, Deno and workerd (through miniflare). Each runs `smoke-checks.mjs` and must return
// the same result. A runtime that cannot start on this machine is skipped with the reason printed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN_DIR,
  ensureSdkBuilt,
  type LiveGateway,
  run,
  SDK_DIR,
  SDK_DIST_ENTRY,
  smokeResult,
  startLiveGateway,
  unavailableReason,
} from './support.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SMOKE = join(HERE, 'smoke.mjs');
/** Not later than the bundled workerd supports (workerd 1.20260730 → 2026-07-30). */
const COMPATIBILITY_DATE = '2026-07-30';

function workerdUnavailableReason(): string | undefined {
  try {
    const fromSdk = createRequire(join(SDK_DIR, 'package.json'));
    const workerdPackage = createRequire(fromSdk.resolve('miniflare')).resolve('workerd/package.json');
    const probe = spawnSync(join(dirname(workerdPackage), 'bin', 'workerd'), ['--version'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (probe.status === 0) return undefined;
    const why = (probe.stderr || probe.stdout || String(probe.error ?? '')).trim().split('\n')[0];
    return `workerd --version failed (${why}); workerd must be in pnpm.onlyBuiltDependencies so its postinstall runs`;
  } catch (error) {
    return `miniflare/workerd not installed (${(error as Error).message.split('\n')[0]}): run pnpm install`;
  }
}

const skipped = {
  bun: unavailableReason(
    'bun',
    'bun needs its postinstall: add "bun" to pnpm.onlyBuiltDependencies in the root package.json and reinstall',
  ),
  deno: unavailableReason('deno', 'reinstall the deno npm package'),
  workerd: workerdUnavailableReason(),
};
for (const [runtime, reason] of Object.entries(skipped)) {
  if (reason) console.warn(`[sdk runtimes] ${runtime} skipped: ${reason}`);
}

let gateway: LiveGateway;
let platformAccountId: string;

beforeAll(async () => {
  ensureSdkBuilt();
  gateway = await startLiveGateway();
  const me = await fetch(`${gateway.url}/v1/me`, { headers: { Authorization: `Bearer ${gateway.rootKey}` } });
  platformAccountId = ((await me.json()) as { account: { id: string } }).account.id;
});

afterAll(async () => {
  await gateway?.close();
});

const env = () => ({ LENDWIRE_API_KEY: gateway.rootKey, LENDWIRE_BASE_URL: gateway.url });

/** The result every runtime must produce; tests run one after another, so the newest two are ours. */
function expectSmokeResult(result: any, runtime: string) {
  expect(result).toMatchObject({
    runtime,
    me: { object: 'me', accountId: platformAccountId, platform: true },
    notFound: {
      name: 'NotFoundError',
      isNotFoundError: true,
      isAPIError: true,
      status: 404,
      code: 'not_found',
      hasRequestId: true,
    },
  });
  expect(result.created).toHaveLength(2);
  expect(result.listed).toEqual([...result.created].reverse());
}

describe('built SDK on plain Node ESM', () => {
  it('imports @lendwire/sdk by name from dist/index.js and passes the smoke checks', async () => {
    const out = await run(process.execPath, [SMOKE], { cwd: HERE, env: env() });
    expect(out.code, out.stderr).toBe(0);
    const result = smokeResult(out.stdout);
    expect(result.resolved).toBe(pathToFileURL(SDK_DIST_ENTRY).href);
    expectSmokeResult(result, 'node');
  });

  it('loads no module but ky from the built entry (@lendwire/contract is types only)', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(SDK_DIST_ENTRY, 'utf8');
    const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    const dynamic = [...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
    expect([...new Set([...specifiers, ...dynamic])]).toEqual(['ky']);
  });
});

describe.skipIf(Boolean(skipped.bun))('built SDK on Bun', () => {
  it('passes the smoke checks', async () => {
    const out = await run(join(BIN_DIR, 'bun'), [SMOKE], { cwd: HERE, env: env() });
    expect(out.code, out.stderr).toBe(0);
    const result = smokeResult(out.stdout);
    expect(result.resolved).toBe(pathToFileURL(SDK_DIST_ENTRY).href);
    expectSmokeResult(result, 'bun');
  });
});

describe.skipIf(Boolean(skipped.deno))('built SDK on Deno', () => {
  it('passes the smoke checks with --allow-net --allow-env --allow-read only', async () => {
    const out = await run(join(BIN_DIR, 'deno'), ['run', '--allow-net', '--allow-env', '--allow-read', SMOKE], {
      cwd: HERE,
      env: { ...env(), DENO_NO_UPDATE_CHECK: '1' },
    });
    expect(out.code, out.stderr).toBe(0);
    const result = smokeResult(out.stdout);
    expect(result.resolved).toBe(pathToFileURL(SDK_DIST_ENTRY).href);
    expectSmokeResult(result, 'deno');
  });
});

describe.skipIf(Boolean(skipped.workerd))('built SDK on workerd (miniflare)', () => {
  it('bundles for workers from dist and passes the smoke checks in a module worker', async () => {
    const { build } = await import('esbuild');
    const { Miniflare } = await import('miniflare');
    const bundle = await build({
      entryPoints: [join(HERE, 'worker.mjs')],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.some((p) => p.endsWith('packages/sdk/dist/index.js'))).toBe(true);
    expect(inputs.filter((p) => p.includes('packages/sdk/src/'))).toEqual([]);

    const mf = new Miniflare({
      modules: true,
      script: bundle.outputFiles[0]!.text,
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: env(),
    });
    try {
      const response = await mf.dispatchFetch('http://smoke.test/');
      const body: any = await response.json();
      expect(response.status, JSON.stringify(body)).toBe(200);
      expectSmokeResult(body, 'workerd');
    } finally {
      await mf.dispose();
    }
  });
});
