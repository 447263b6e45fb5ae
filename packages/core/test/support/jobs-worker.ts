// A worker process for jobs-processes.test.ts: works the `fanout` queue of the Postgres database in
// LENDWIRE_JOBS_DATABASE_URL, recording each attempt and each run with its pid, until SIGTERM.
// Run from the repository root: node --conditions=@lendwire/source --import tsx <this file>
import { sql } from 'drizzle-orm';
import { createDb } from '../../src/db/index.js';
import { createJobQueue } from '../../src/jobs/index.js';

const url = process.env.LENDWIRE_JOBS_DATABASE_URL;
if (!url) throw new Error('LENDWIRE_JOBS_DATABASE_URL is required');

const handle = await createDb({ databaseUrl: url, migrate: false, maxConnections: 4 });
const queue = createJobQueue<{ fanout: { n: number } }>(handle, {
  pollingIntervalSeconds: 0.5,
  logger: { warn: (msg, fields) => console.error(msg, fields), error: (msg, fields) => console.error(msg, fields) },
});
await queue.defineQueue('fanout', { retryLimit: 0 });
await queue.work(
  'fanout',
  async (job) => {
    // Every attempt, outside any constraint, so a second delivery shows up even though the run below would fail it.
    await handle.db.execute(sql`insert into job_attempts (job_id, pid) values (${job.id}, ${process.pid})`);
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.floor(Math.random() * 20)));
    await handle.db.execute(sql`insert into job_runs (job_id, pid) values (${job.id}, ${process.pid})`);
  },
  { concurrency: 2 },
);
await queue.start();
process.stdout.write('ready\n');

process.once('SIGTERM', async () => {
  await queue.stop({ graceful: true, timeoutMs: 5_000 });
  await handle.close();
  process.exit(0);
});
