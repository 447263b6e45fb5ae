import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_SCOPES, generateApiKey, parseApiKey } from '@lendwire/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore, testStoreKind } from '../../../core/test/support.js';
import { ConfigError, loadConfig } from '../config.js';
import { createJsonLogger } from '../logger.js';
import { bootstrapRootKey, type RunningGateway, startGateway } from './index.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const embedded = testStoreKind() === 'pglite';
if (!embedded) console.log('[lendwire] skipping the embedded-store start tests: this project runs on Postgres');

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lendwire-node-test-'));
  tmpDirs.push(dir);
  return dir;
}

/** A fetch against a running gateway with a key. */
function get(running: RunningGateway, path: string, key?: string, headers: Record<string, string> = {}) {
  return fetch(`${running.url}${path}`, {
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
  });
}

async function post(running: RunningGateway, path: string, key: string, body: unknown) {
  const res = await fetch(`${running.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Runs the CLI from source the way `pnpm start` does, with an environment holding only `env` of ours. */
function cli(args: string[], env: Record<string, string> = {}) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(PORT|HOST|DATABASE_URL|REDIS_URL|UPSTASH_|LENDWIRE_)/.test(k)),
  );
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@lendwire/source', '--import', 'tsx', 'packages/gateway/src/cli.ts', ...args],
      { cwd: repoRoot, env: { ...inherited, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let store: TestStore;
let running: RunningGateway;
const rootKey = generateApiKey('test');
const logs: string[] = [];
/** Resolved when the slow route has started handling its request. */
let slowStarted: () => void = () => {};

type CliRun = Awaited<ReturnType<typeof cli>>;
let cliRuns: Promise<{ generate: CliRun; badConfig: CliRun }>;

/** Runs the CLI cases at once, in child processes (about 1.5 s each to load from source). */
function startCliRuns() {
  cliRuns = Promise.all([cli(['keys', 'generate']), cli(['start'], { LENDWIRE_RATELIMIT_FAIL: 'maybe' })]).then(
    ([generate, badConfig]) => ({ generate, badConfig }),
  );
}

beforeAll(async () => {
  store = await openTestStore();
  running = await startGateway(
    loadConfig({ PORT: '0', LENDWIRE_DATA_DIR: tmpDir(), LENDWIRE_ROOT_KEY: rootKey, LENDWIRE_LOG_LEVEL: 'silent' }),
    {
      db: store.handle,
      logger: createJsonLogger({ level: 'debug', write: (line) => logs.push(line) }),
      // The shutdown test checks that close() flushes usage: keep the periodic flush out of its way.
      usageFlushMs: 600_000,
    },
  );
  // A request that takes a while, to shut down under (added before the first request builds the router).
  running.app.get('/slow', async (c) => {
    slowStarted();
    await new Promise((resolve) => setTimeout(resolve, 300));
    return c.text('done');
  });
});

afterAll(async () => {
  await running?.close();
  await store?.close();
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

describe('root key', () => {
  it('LENDWIRE_ROOT_KEY bootstraps a working all-scope platform key, once', async () => {
    expect(running.rootKey).toMatchObject({ source: 'env' });
    expect(running.rootKey.generatedSecret).toBeUndefined();
    const res = await get(running, '/v1/me', rootKey);
    expect(res.status).toBe(200);
    const me = (await res.json()) as any;
    expect(me.account.platform).toBe(true);
    expect(me.scopes).toEqual([...ALL_SCOPES]);
    expect(me.apiKey.id).toBe(running.rootKey.keyId);
    // Starting again with the same key finds it instead of creating another.
    const again = await bootstrapRootKey(loadConfig({ LENDWIRE_ROOT_KEY: rootKey }), running.services);
    expect(again).toEqual({ source: 'env', keyId: running.rootKey.keyId });
  });

  it('refuses to start with DATABASE_URL and no LENDWIRE_ROOT_KEY (ConfigError), writing no key file', async () => {
    const dir = tmpDir();
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: 'postgres://lendwire@127.0.0.1:1/lendwire',
      LENDWIRE_DATA_DIR: dir,
      LENDWIRE_LOG_LEVEL: 'silent',
    });
    const error = await startGateway(config, { db: store.handle }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^Invalid configuration: LENDWIRE_ROOT_KEY is required with DATABASE_URL/);
    expect(existsSync(join(dir, 'root-key'))).toBe(false);
  });

  describe.skipIf(!embedded)('embedded store (PGlite in the data directory)', () => {
    it('generates a root key on first start, kept in <dataDir>/root-key with mode 0600, reused after a restart', async () => {
      const dir = tmpDir();
      const config = loadConfig({ PORT: '0', LENDWIRE_DATA_DIR: dir, LENDWIRE_LOG_LEVEL: 'silent' });
      const first = await startGateway(config);
      let customerId: string;
      try {
        const file = join(dir, 'root-key');
        const secret = first.rootKey.generatedSecret!;
        expect(first.rootKey).toMatchObject({ source: 'generated', file });
        expect(parseApiKey(secret)).toMatchObject({ ok: true, mode: 'test' });
        expect(readFileSync(file, 'utf8')).toBe(`${secret}\n`);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect((await get(first, '/v1/me', secret)).status).toBe(200);
        const created = await post(first, '/v1/customers', secret, { name: 'Kept across restarts' });
        expect(created.status).toBe(201);
        customerId = created.body.id;
      } finally {
        await first.close();
      }

      const second = await startGateway(config);
      try {
        const secret = readFileSync(join(dir, 'root-key'), 'utf8').trim();
        expect(second.rootKey).toEqual({ source: 'file', keyId: first.rootKey.keyId, file: join(dir, 'root-key') });
        expect(secret).toBe(first.rootKey.generatedSecret);
        const res = await get(second, `/v1/customers/${customerId}`, secret);
        expect(res.status).toBe(200);
        expect(existsSync(join(dir, 'pgdata'))).toBe(true);
      } finally {
        await second.close();
      }
    });
  });
});

describe('IP allowlist against the real socket address', () => {
  async function keyAllowing(ipAllowlist: string[]): Promise<string> {
    const res = await post(running, '/v1/api-keys', rootKey, { name: 'allowlisted', scopes: ['*'], ipAllowlist });
    expect(res.status).toBe(201);
    return res.body.secret;
  }

  it('serves a key allowing 127.0.0.1/32 when called from 127.0.0.1', async () => {
    const key = await keyAllowing(['127.0.0.1/32']);
    expect((await get(running, '/v1/me', key)).status).toBe(200);
  });

  it('refuses a key allowing only 10.0.0.0/8, whatever X-Forwarded-For claims', async () => {
    const key = await keyAllowing(['10.0.0.0/8']);
    const spoofed: Record<string, string>[] = [{}, { 'x-forwarded-for': '10.1.2.3' }, { 'x-real-ip': '10.1.2.3' }];
    for (const headers of spoofed) {
      const res = await get(running, '/v1/me', key, headers);
      expect(res.status).toBe(403);
      const problem = (await res.json()) as any;
      expect(problem.code).toBe('ip_not_allowed');
      expect(problem.detail).toContain('127.0.0.1');
    }
  });
});

describe('usage counters', () => {
  it('are written by a quiet instance on its flush timer, without waiting for shutdown', async () => {
    const quiet = await startGateway(
      loadConfig({ PORT: '0', LENDWIRE_DATA_DIR: tmpDir(), LENDWIRE_ROOT_KEY: rootKey, LENDWIRE_LOG_LEVEL: 'silent' }),
      { db: store.handle, usageFlushMs: 50 },
    );
    try {
      const created = await post(quiet, '/v1/api-keys', rootKey, { name: 'quiet', scopes: ['*'] });
      const tenant = { accountId: created.body.account, livemode: false };
      for (let i = 0; i < 2; i++) expect((await get(quiet, '/v1/me', created.body.secret)).status).toBe(200);
      let requests = 0;
      for (let waited = 0; waited < 2_000 && requests < 2; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        requests = (await quiet.services.apiKeys.usage(tenant, created.body.id))?.days[0]?.requests ?? 0;
      }
      expect(requests).toBe(2);
    } finally {
      await quiet.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, flushes usage, then refuses new connections', async () => {
    // Usage is counted in memory and written in batches: these requests are not all in the database yet.
    const created = await post(running, '/v1/api-keys', rootKey, { name: 'usage', scopes: ['*'] });
    const tenant = { accountId: created.body.account, livemode: false };
    for (let i = 0; i < 3; i++) expect((await get(running, '/v1/me', created.body.secret)).status).toBe(200);
    const before = await running.services.apiKeys.usage(tenant, created.body.id);
    expect(before?.days[0]?.requests ?? 0).toBeLessThan(3);

    const started = new Promise<void>((resolve) => {
      slowStarted = resolve;
    });
    const slow = fetch(`${running.url}/slow`);
    await started;
    const t0 = Date.now();
    const closing = running.close();
    // The listening socket is closed at once: a new connection is refused while the slow one drains.
    await expect(fetch(`${running.url}/healthz`, { headers: { connection: 'close' } })).rejects.toThrow();

    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('done');
    await closing;
    expect(Date.now() - t0).toBeLessThan(2_000);

    const after = await running.services.apiKeys.usage(tenant, created.body.id);
    expect(after?.days[0]?.requests).toBe(3);
    const error = await fetch(`${running.url}/healthz`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(((error as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    const stopped = logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'gateway stopped');
    expect(stopped).toBeDefined();
    expect(logs.join('\n')).not.toContain(rootKey.slice(12));
  });
});

describe('CLI (from source, as `pnpm start` runs it)', () => {
  beforeAll(startCliRuns);

  it('`keys generate` prints one well-formed key', async () => {
    const { generate } = await cliRuns;
    expect(generate.code, generate.stderr).toBe(0);
    expect(generate.stdout).toMatch(/^lw_test_\w+\n$/);
    expect(parseApiKey(generate.stdout.trim())).toMatchObject({ ok: true, mode: 'test' });
  });

  it('`start` with a bad variable exits 1 with a one-line error naming it', async () => {
    const { badConfig } = await cliRuns;
    expect(badConfig.code).toBe(1);
    expect(badConfig.stdout).toBe('');
    expect(badConfig.stderr).toMatch(/^lendwire: Invalid configuration: LENDWIRE_RATELIMIT_FAIL must be one of .*\n$/);
    expect(badConfig.stderr).toContain('maybe');
    expect(badConfig.stderr.trim().split('\n')).toHaveLength(1);
  });
});
