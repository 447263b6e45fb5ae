import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobQueue, type JobQueue } from '../src/jobs/index.js';
import { openTestStore, type TestStore, testStoreKind } from './support.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const workerScript = fileURLToPath(new URL('./support/jobs-worker.ts', import.meta.url));
const onPostgres = testStoreKind() === 'postgres';
if (!onPostgres) console.log('[lendwire] skipping the two-process jobs test: PGlite serves one process');

const JOBS = 200;

let store: TestStore;
let queue: JobQueue<{ fanout: { n: number } }>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  store = await openTestStore();
  await store.handle.db.execute(sql`create table job_runs (job_id uuid primary key, pid int not null)`);
  await store.handle.db.execute(sql`create table job_attempts (job_id uuid not null, pid int not null)`);
  // The sender: installs pg-boss's schema and the queue before the workers start; works nothing itself.
  queue = createJobQueue(store.handle);
  await queue.defineQueue('fanout', { retryLimit: 0 });
  await queue.start();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await queue?.stop({ graceful: false });
  await store?.close();
});

/** Starts a worker process and resolves once it reports ready. */
function startWorker(databaseUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@lendwire/source', '--import', 'tsx', workerScript], {
    cwd: repoRoot,
    env: { ...process.env, LENDWIRE_JOBS_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready in 20 s: ${stderr}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}: ${stderr}`));
    });
  });
}

function stopWorker(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('job queue across processes', () => {
  it.skipIf(!onPostgres)(
    'gives each of 200 jobs to exactly one of two worker processes on the same database, and both work',
    async () => {
      const url = store.handle.databaseUrl!;
      const workers = await Promise.all([startWorker(url), startWorker(url)]);

      const sentAt = Date.now();
      const sent = new Set<string>();
      for (let n = 0; n < JOBS; n++) {
        const id = await queue.send('fanout', { n });
        if (id) sent.add(id);
      }
      expect(sent.size).toBe(JOBS);

      const deadline = Date.now() + 20_000;
      for (;;) {
        const row = (await queue.stats()).find((counts) => counts.name === 'fanout');
        if (row && row.completed + row.failed === JOBS) break;
        if (Date.now() > deadline) throw new Error(`not done in 20 s: ${JSON.stringify(row)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      console.log(`[lendwire] ${JOBS} jobs sent and worked by two processes in ${Date.now() - sentAt} ms`);
      // One more second for a duplicate delivery to show.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await Promise.all(workers.map(stopWorker))).toEqual([0, 0]);

      const runs = (await store.handle.db.execute(sql`select job_id::text as id, pid from job_runs`)) as unknown as {
        id: string;
        pid: number;
      }[];
      const attempts = (await store.handle.db.execute(
        sql`select count(*)::int as total, count(distinct job_id)::int as distinct from job_attempts`,
      )) as unknown as { total: number; distinct: number }[];
      expect(new Set(runs.map((run) => run.id))).toEqual(sent);
      expect(attempts[0]).toEqual({ total: JOBS, distinct: JOBS });

      const perProcess = new Map<number, number>();
      for (const run of runs) perProcess.set(run.pid, (perProcess.get(run.pid) ?? 0) + 1);
      const pids = workers.map((child) => child.pid!);
      expect([...perProcess.keys()].sort()).toEqual([...pids].sort());
      console.log(`[lendwire] jobs per worker process: ${pids.map((pid) => perProcess.get(pid)).join(' / ')}`);

      expect(await queue.stats()).toContainEqual(
        expect.objectContaining({ name: 'fanout', completed: JOBS, failed: 0, retry: 0, active: 0 }),
      );
    },
    30_000,
  );
});
