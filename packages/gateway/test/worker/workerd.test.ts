// The gateway as a Cloudflare Worker, on workerd (Miniflare, from npm) against this machine's Postgres
// and Redis (behind the Upstash REST bridge): the example's entry is bundled the way its build does,
// from source, the database is prepared by the `lendwire migrate` CLI, a Node `lendwire worker` works
// the jobs the Worker writes, and the shared behaviour suite runs over HTTP, as it does on Node
// (node.test.ts).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiKey } from '@lendwire/contract';
import { generateEncryptionKey } from '@lendwire/core';
import type { Miniflare } from 'miniflare';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../../../../examples/edge-worker/build.mjs';
import { loadConfig } from '../../src/config.js';
import { createJsonLogger } from '../../src/logger.js';
import { startWorker } from '../../src/node/worker-process.js';
import type { RunningWorker } from '../../src/node/workers.js';
import { createTestDatabase, deploymentSuiteSkipReason, type TestDatabase } from '../support/postgres-database.js';
import { SUITE_TIERS, type SuiteTarget, sharedGatewaySuite } from '../support/shared-suite.js';
import { startUpstashRestBridge, type UpstashRestBridge } from '../support/upstash-rest-bridge.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const exampleEntry = join(repoRoot, 'examples/edge-worker/src/index.ts');
/** The newest date the bundled workerd (1.20260730) supports, as examples/edge-worker/wrangler.toml sets. */
const COMPATIBILITY_DATE = '2026-08-06';

function workerdUnavailableReason(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const workerd = createRequire(require.resolve('miniflare')).resolve('workerd/package.json');
    const probe = spawnSync(join(dirname(workerd), 'bin', 'workerd'), ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) return undefined;
    return `workerd --version failed (${(probe.stderr || String(probe.error)).trim().split('\n')[0]}): workerd must be in pnpm.onlyBuiltDependencies`;
  } catch (error) {
    return `miniflare/workerd not installed (${(error as Error).message.split('\n')[0]}): run pnpm install`;
  }
}

const skip = deploymentSuiteSkipReason() ?? workerdUnavailableReason();
if (skip) console.log(`[lendwire] shared suite on workerd skipped: ${skip}`);

/** Runs the CLI from source, as `pnpm lendwire <args>` does; resolves with its exit code and output. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@lendwire/source', '--import', 'tsx', 'packages/gateway/src/cli.ts', ...args],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

/** What Miniflare's `getWorker()` answers with (its published type needs @cloudflare/workers-types). */
interface WorkerFetcher {
  fetch(url: string, init?: RequestInit): Promise<Response>;
  scheduled(options: { cron?: string; scheduledTime?: Date }): Promise<{ outcome: string; noRetry: boolean }>;
}
const workerNamed = async (mf: Miniflare, name: string) => (await mf.getWorker(name)) as unknown as WorkerFetcher;

describe.skipIf(skip)('the shared gateway suite on workerd (Miniflare, Postgres, Upstash REST)', () => {
  const rootKey = generateApiKey('test');
  const encryptionKey = generateEncryptionKey();
  let outDir: string | undefined;
  let database: TestDatabase;
  let bridge: UpstashRestBridge;
  let mf: Miniflare;
  let nodeWorker: RunningWorker;
  let target: SuiteTarget;
  let migrated: { code: number | null; out: string };
  let bundle: { bytes: number; inputs: string[] };

  beforeAll(async () => {
    database = await createTestDatabase('lw_workerd_suite');
    outDir = mkdtempSync(join(tmpdir(), 'lendwire-worker-'));
    const outfile = join(outDir, 'worker.js');
    [bundle, migrated, bridge] = await Promise.all([
      bundleWorker({ entry: exampleEntry, outfile, conditions: ['@lendwire/source'] }),
      runCli(['migrate'], { DATABASE_URL: database.url, LENDWIRE_ROOT_KEY: rootKey, LENDWIRE_LOG_LEVEL: 'warn' }),
      startUpstashRestBridge({ redisUrl: process.env.LENDWIRE_TEST_REDIS_URL!, token: `tok_${crypto.randomUUID()}` }),
    ]);
    if (migrated.code !== 0) throw new Error(`lendwire migrate failed:\n${migrated.out}`);

    // `lendwire worker` (Node) on the same database: it pays out what the Worker enqueues.
    nodeWorker = await startWorker(
      loadConfig({
        DATABASE_URL: database.url,
        LENDWIRE_ENCRYPTION_KEY: encryptionKey,
        LENDWIRE_SCHEDULER_INTERVAL: '0',
      }),
      { logger: createJsonLogger({ level: 'silent' }) },
    );

    const { Miniflare } = await import('miniflare');
    // The module given as is: with a scriptPath Miniflare would parse the whole bundle to find its imports.
    const worker = {
      modules: [{ type: 'ESModule' as const, path: outfile, contents: readFileSync(outfile, 'utf8') }],
      modulesRoot: outDir,
      compatibilityDate: COMPATIBILITY_DATE,
      compatibilityFlags: ['nodejs_compat'],
    };
    mf = new Miniflare({
      workers: [
        {
          ...worker,
          name: 'gateway',
          bindings: {
            DATABASE_URL: database.url,
            UPSTASH_REDIS_REST_URL: bridge.url,
            UPSTASH_REDIS_REST_TOKEN: bridge.token,
            LENDWIRE_ENCRYPTION_KEY: encryptionKey,
            LENDWIRE_RATELIMIT_TIERS: JSON.stringify(SUITE_TIERS),
            LENDWIRE_LOG_LEVEL: 'warn',
          },
        },
        // The same Worker without its secrets.
        { ...worker, name: 'unconfigured', bindings: { UPSTASH_REDIS_REST_URL: bridge.url } },
      ],
    });
    const url = await mf.ready;
    target = { url: url.origin, rootKey, clientIpHeader: 'cf-connecting-ip' };
  });

  afterAll(async () => {
    await mf?.dispose();
    await nodeWorker?.stop();
    await bridge?.close();
    await database?.drop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  describe('the Worker bundle and its database', () => {
    it('is the example entry over the gateway source, with postgres.js and the Upstash client, under 3 MiB minified', () => {
      const from = (fragment: string) => bundle.inputs.some((input) => input.includes(fragment));
      expect(from('examples/edge-worker/src/index.ts')).toBe(true);
      expect(from('packages/gateway/src/worker.ts')).toBe(true);
      expect(from('packages/gateway/src/app.ts')).toBe(true);
      expect(from('/postgres@')).toBe(true);
      expect(from('/@upstash+redis@')).toBe(true);
      // Nothing of the Node entry (server, TCP Redis, PGlite, SMTP) is in it.
      for (const nodeOnly of [
        'packages/gateway/src/node/',
        '.pnpm/@hono+node-server@',
        '.pnpm/ioredis@',
        '.pnpm/@electric-sql+pglite@',
        '.pnpm/nodemailer@',
      ]) {
        expect(from(nodeOnly), nodeOnly).toBe(false);
      }
      expect(bundle.bytes).toBeLessThan(3 * 1024 * 1024);
    });

    it('`lendwire migrate` applied the migrations, created the job queues and registered LENDWIRE_ROOT_KEY', () => {
      expect(migrated.out).toContain('Migrations applied and job queues ready (postgres).');
      expect(migrated.out).toMatch(/Root key registered: key_[0-9a-z]{26} \(from LENDWIRE_ROOT_KEY\)/);
    });
  });

  describe('configuration errors', () => {
    it('missing bindings answer 500 problem+json naming each of them, without a stack trace', async () => {
      const worker = await workerNamed(mf, 'unconfigured');
      const res = await worker.fetch('http://gateway.test/v1/me', { headers: { authorization: `Bearer ${rootKey}` } });
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const body = (await res.json()) as Record<string, string>;
      expect(body).toMatchObject({ status: 500, code: 'internal_error' });
      for (const name of ['DATABASE_URL', 'UPSTASH_REDIS_REST_TOKEN', 'LENDWIRE_ENCRYPTION_KEY']) {
        expect(body.detail).toContain(name);
      }
      // Present bindings are not named missing, and nothing leaks: no stack, no value.
      expect(body.detail).not.toContain('UPSTASH_REDIS_REST_URL,');
      expect(JSON.stringify(body)).not.toMatch(/ at |\.ts:|\.js:|127\.0\.0\.1/);
      expect(body.requestId).toBe(res.headers.get('x-request-id'));
    });
  });

  sharedGatewaySuite(() => target);

  describe('scheduled (a Cron Trigger)', () => {
    it('deletes expired idempotency records and keeps the others', async () => {
      const create = (key: string) =>
        fetch(`${target.url}/v1/customers`, {
          method: 'POST',
          headers: { authorization: `Bearer ${rootKey}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify({ name: 'Cron Check' }),
        });
      const [expired, fresh] = [`cron-expired-${Date.now()}`, `cron-fresh-${Date.now()}`];
      const first = (await (await create(expired)).json()) as { id: string };
      await create(fresh);
      const sql = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        await sql`update idempotency_keys set expires_at = now() - interval '1 minute' where key = ${expired}`;
        const worker = await workerNamed(mf, 'gateway');
        const run = await worker.scheduled({ cron: '*/10 * * * *' });
        expect(run.outcome).toBe('ok');
        const left = await sql<{ key: string }[]>`select key from idempotency_keys where key in (${expired}, ${fresh})`;
        expect(left.map((r) => r.key)).toEqual([fresh]);
      } finally {
        await sql.end();
      }
      // The expired key is free again: a new request, not a replay.
      const again = await create(expired);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
      expect(((await again.json()) as { id: string }).id).not.toBe(first.id);
    });
  });
});
