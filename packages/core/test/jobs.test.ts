import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobQueue, type JobQueue } from '../src/jobs/index.js';
import { openTestStore, type TestStore, testStoreKind } from './support.js';

type Jobs = {
  'tx.probe': { label: string };
  'retry.flaky': { key: string };
  'retry.doomed': { key: string };
  'delay.later': { label: string };
  'drain.backlog': { n: number };
};

let store: TestStore;
let queue: JobQueue<Jobs>;
const warnings: { msg: string; fields?: Record<string, unknown> }[] = [];
const errors: { msg: string; fields?: Record<string, unknown> }[] = [];

beforeAll(async () => {
  store = await openTestStore();
  queue = createJobQueue<Jobs>(store.handle, {
    pollingIntervalSeconds: 0.5,
    logger: {
      warn: (msg, fields) => warnings.push({ msg, fields }),
      error: (msg, fields) => errors.push({ msg, fields }),
    },
  });
  const started = performance.now();
  await queue.start();
  console.log(`[lendwire] pg-boss start on ${testStoreKind()}: ${Math.round(performance.now() - started)} ms`);
});

afterAll(async () => {
  await queue?.stop({ graceful: false });
  await store?.close();
  expect(errors).toEqual([]);
});

/** Polls `check` until it returns true, failing after `timeoutMs`. */
async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function countsOf(name: keyof Jobs) {
  const counts = (await queue.stats()).find((row) => row.name === name);
  if (!counts) throw new Error(`no stats for ${name}`);
  return counts;
}

describe('job queue', () => {
  it('refuses a queue that was not defined', async () => {
    await expect(queue.send('nowhere' as keyof Jobs, { label: 'x' } as never)).rejects.toThrow(/not defined/);
  });

  it('keeps no job sent in a transaction that rolls back, and runs one sent in a committed transaction exactly once', async () => {
    const runs: string[] = [];
    await queue.defineQueue('tx.probe');
    await queue.work('tx.probe', async (job) => {
      runs.push(job.data.label);
    });

    await expect(
      store.handle.db.transaction(async (tx) => {
        const id = await queue.send('tx.probe', { label: 'rolled back' }, { db: tx });
        expect(id).toEqual(expect.any(String));
        throw new Error('abort the business action');
      }),
    ).rejects.toThrow('abort the business action');
    expect(await countsOf('tx.probe')).toMatchObject({ total: 0 });

    await store.handle.db.transaction(async (tx) => {
      await queue.send('tx.probe', { label: 'committed' }, { db: tx });
    });
    await waitFor(async () => (await countsOf('tx.probe')).completed === 1);
    // Two more polling intervals: a second delivery would show up here.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(runs).toEqual(['committed']);
    expect(await countsOf('tx.probe')).toMatchObject({ total: 1, completed: 1 });
  });

  it('retries a failing handler with the configured delay until it succeeds, and fails a job past its retry limit', async () => {
    const flaky: { retryCount: number; at: number }[] = [];
    await queue.defineQueue('retry.flaky', { retryLimit: 3, retryDelay: 1, retryBackoff: false });
    await queue.work('retry.flaky', async (job) => {
      flaky.push({ retryCount: job.retryCount, at: Date.now() });
      if (flaky.length <= 2) throw new Error(`flaky attempt ${flaky.length}`);
    });
    // The queue's defaults retry five times with backoff; this job overrides them.
    let doomedRuns = 0;
    await queue.defineQueue('retry.doomed');
    await queue.work('retry.doomed', async () => {
      doomedRuns++;
      throw new Error('the rail said no');
    });

    const flakyId = await queue.send('retry.flaky', { key: 'a' });
    const doomedId = await queue.send(
      'retry.doomed',
      { key: 'b' },
      { retryLimit: 1, retryDelay: 0, retryBackoff: false },
    );

    await waitFor(
      async () => (await countsOf('retry.flaky')).completed === 1 && (await countsOf('retry.doomed')).failed === 1,
    );
    expect(flaky.map((attempt) => attempt.retryCount)).toEqual([0, 1, 2]);
    for (let i = 1; i < flaky.length; i++) {
      // retryDelay 1 s, counted in whole seconds by the database: never sooner than ~1 s.
      expect(flaky[i]!.at - flaky[i - 1]!.at).toBeGreaterThanOrEqual(900);
    }
    expect(doomedRuns).toBe(2);
    expect(await countsOf('retry.flaky')).toMatchObject({ total: 1, completed: 1, failed: 0, retry: 0 });
    expect(await countsOf('retry.doomed')).toMatchObject({ total: 1, completed: 0, failed: 1, retry: 0 });

    const failed = await queue.failed(10);
    expect(failed.map((job) => job.id)).toEqual([doomedId]);
    expect(failed[0]).toMatchObject({
      id: doomedId,
      name: 'retry.doomed',
      data: { key: 'b' },
      retryCount: 1,
      error: 'the rail said no',
      createdOn: expect.any(Date),
      completedOn: expect.any(Date),
    });
    expect(flakyId).not.toBe(doomedId);
    const attemptWarnings = warnings.filter((w) => w.msg === 'job attempt failed').map((w) => w.fields);
    expect(attemptWarnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ queue: 'retry.flaky', jobId: flakyId, retryCount: 1, error: 'flaky attempt 2' }),
        expect.objectContaining({ queue: 'retry.doomed', jobId: doomedId, retryCount: 1, error: 'the rail said no' }),
      ]),
    );
    expect(attemptWarnings).toHaveLength(4);

    // A CLI reads the same reports without starting pg-boss.
    const reader = createJobQueue(store.handle);
    expect((await reader.failed(10)).map((job) => job.id)).toEqual([doomedId]);
    expect(await reader.stats()).toContainEqual(expect.objectContaining({ name: 'retry.doomed', failed: 1 }));
    await reader.stop();
    expect(await createJobQueue(store.handle, { schema: 'pgboss_never_started' }).stats()).toEqual([]);
  });

  it('does not start a job before its startAfter, given in seconds or as a date', async () => {
    const ran = new Map<string, number>();
    await queue.defineQueue('delay.later');
    await queue.work('delay.later', async (job) => {
      ran.set(job.data.label, Date.now());
    });
    const sentAt = Date.now();
    await queue.send('delay.later', { label: 'seconds' }, { startAfter: 2 });
    await queue.send('delay.later', { label: 'date' }, { startAfter: new Date(sentAt + 2_000) });
    await queue.send('delay.later', { label: 'now' });

    await waitFor(() => ran.has('now'));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect([...ran.keys()]).toEqual(['now']);
    expect(await countsOf('delay.later')).toMatchObject({ created: 2, completed: 1 });

    await waitFor(() => ran.size === 3);
    // The database clock decides; allow a little skew against this process's clock.
    expect(ran.get('seconds')! - sentAt).toBeGreaterThanOrEqual(1_900);
    expect(ran.get('date')! - sentAt).toBeGreaterThanOrEqual(1_900);
  });

  it('drains a backlog at handler speed, not one batch per polling interval', async () => {
    await queue.defineQueue('drain.backlog');
    for (let n = 0; n < 60; n++) await queue.send('drain.backlog', { n });
    let done = 0;
    const started = Date.now();
    // No NOTIFY for jobs already waiting: without burst fetching this takes 12 fetches × 2 s.
    await queue.work(
      'drain.backlog',
      async () => {
        done++;
      },
      { batchSize: 5, pollingIntervalSeconds: 2 },
    );
    await waitFor(() => done === 60);
    const elapsed = Date.now() - started;
    console.log(`[lendwire] 60-job backlog drained in ${elapsed} ms on ${testStoreKind()}`);
    expect(elapsed).toBeLessThan(4_000);
  });
});
