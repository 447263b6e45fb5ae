// A payout worker process for payout-crash.test.ts: the production `startWorker` on the Postgres
// database in DATABASE_URL (bank account numbers decrypted with LENDWIRE_ENCRYPTION_KEY), with the
// rail simulator wrapped to report on stdout what each payout call did:
//   READY                          the worker works the payout queue
//   PAID <reference> <attempt>     the rail paid (its book had no payout for the reference)
//   REPLAYED <reference> <attempt> the rail answered from its book (paid before): nothing paid again
// Mode `crash` hangs for ever right after the rail paid, before the payout settles, so the parent can
// SIGKILL it mid-job; mode `resume` is a plain worker. argv: <crash|resume> <MoneyJobsOptions JSON>.
// Logs go to stderr. Run from the repository root:
//   node --conditions=@lendwire/source --import tsx <this file> crash '{"expireInSeconds":3}'
import { createDb, createRailSimulator, dbPayoutBook, type PaymentRail } from '@lendwire/core';
import { loadConfig } from '../../src/config.js';
import { createJsonLogger } from '../../src/logger.js';
import { startWorker } from '../../src/node/worker-process.js';
import type { MoneyJobsOptions } from '../../src/node/workers.js';

const [mode, jobsJson = '{}'] = process.argv.slice(2);
if (mode !== 'crash' && mode !== 'resume') throw new Error('usage: crashing-payout-worker.ts <crash|resume> [options]');
const jobs = JSON.parse(jobsJson) as Omit<MoneyJobsOptions, 'logger'>;
const config = loadConfig({
  DATABASE_URL: process.env.DATABASE_URL,
  LENDWIRE_ENCRYPTION_KEY: process.env.LENDWIRE_ENCRYPTION_KEY,
});
if (!config.DATABASE_URL || !config.LENDWIRE_ENCRYPTION_KEY) {
  throw new Error('DATABASE_URL and LENDWIRE_ENCRYPTION_KEY are required');
}

const say = (line: string) => process.stdout.write(`${line}\n`);

// The store is opened here, not by startWorker, because the rail's book reads the same database.
const db = await createDb({ databaseUrl: config.DATABASE_URL, migrate: false, maxConnections: 4 });
const book = dbPayoutBook(db.db);
const simulator = createRailSimulator(book);
const rail: PaymentRail = {
  ...simulator,
  resolveAccount: (input) => simulator.resolveAccount(input),
  async payout(input) {
    const before = await book.get(input.reference);
    const result = await simulator.payout(input);
    say(`${before ? 'REPLAYED' : 'PAID'} ${input.reference} ${input.attempt}`);
    // Stuck between the rail call and the settlement until killed (the job's own timeout would fail
    // the attempt only after expireInSeconds, long after the parent's SIGKILL).
    if (mode === 'crash') await new Promise<never>(() => {});
    return result;
  },
};

const worker = await startWorker(config, {
  db,
  rail,
  jobs,
  logger: createJsonLogger({ write: (line) => process.stderr.write(`${line}\n`) }),
});
say('READY');

process.once('SIGTERM', async () => {
  await worker.stop();
  await db.close();
  process.exit(0);
});
