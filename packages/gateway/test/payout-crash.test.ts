import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  createSecretBox,
  createServices,
  generateEncryptionKey,
  PAYOUT_JOB,
  parseEncryptionKey,
  type Services,
  schema,
  type TenantScope,
} from '@lendwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore, testStoreKind } from '../../core/test/support.js';
import { createMoneyJobs, type MoneyJobs, type MoneyJobsOptions } from '../src/node/workers.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const workerScript = fileURLToPath(new URL('./support/crashing-payout-worker.ts', import.meta.url));
const onPostgres = testStoreKind() === 'postgres';
if (!onPostgres) {
  console.log('[lendwire] skipping the payout crash test: it kills worker processes, and PGlite serves one process');
}

/**
 * Payout jobs expire 3 s after a worker claimed them (the production default is 60 s), and the
 * workers supervise every second, so the dead worker's job is retried within seconds.
 */
const WORKER_JOBS: Omit<MoneyJobsOptions, 'logger'> = {
  expireInSeconds: 3,
  retryDelaySeconds: 1,
  superviseIntervalSeconds: 1,
};

let store: TestStore;
let jobs: MoneyJobs;
let services: Services;
// Shared with the worker processes, which decrypt the bank account number to pay out.
const encryptionKey = generateEncryptionKey();
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  store = await openTestStore();
  // This process only enqueues (like a gateway with LENDWIRE_WORKERS=off); it supervises at pg-boss's
  // default interval, which never comes round during the test, so the restarted worker is the one
  // that recovers the job. Its queue definition (expiry, retry delay) must match the workers'.
  jobs = createMoneyJobs(store.handle, {
    expireInSeconds: WORKER_JOBS.expireInSeconds,
    retryDelaySeconds: WORKER_JOBS.retryDelaySeconds,
  });
  await jobs.start();
  services = createServices({
    db: store.handle.db,
    secretBox: createSecretBox(parseEncryptionKey(encryptionKey)),
    enqueue: jobs.enqueue,
  });
});

afterAll(async () => {
  for (const child of children) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGKILL');
    }
  }
  await jobs?.stop();
  await store?.close();
});

/** A worker process, its stdout lines so far, and a way to wait for one. */
interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first line matching `pattern`; rejects on timeout or exit. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
}

/** Starts support/crashing-payout-worker.ts on the test database. */
function startWorkerProcess(mode: 'crash' | 'resume'): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@lendwire/source', '--import', 'tsx', workerScript, mode, JSON.stringify(WORKER_JOBS)],
    {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: store.handle.databaseUrl, LENDWIRE_ENCRYPTION_KEY: encryptionKey },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  const checks = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const check of checks) check();
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  child.once('exit', () => {
    for (const check of checks) check();
  });
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        checks.delete(check);
      };
      const check = () => {
        const line = lines.find((l) => pattern.test(l));
        if (line !== undefined) {
          done();
          resolve(line);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(
            new Error(`${mode} worker exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${stderr}`),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${pattern} from the ${mode} worker in ${timeoutMs} ms; stdout: ${lines}\n${stderr}`));
      }, timeoutMs);
      checks.add(check);
      check();
    });
  return { child, lines, waitFor };
}

/** Sends `signal` and resolves once the process is gone. */
function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(child.pid!, signal);
  });
}

async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A new partner with a funded NGN test wallet and a bank account. */
async function partnerWith(balance: number) {
  const account = await services.accounts.create({ name: 'Crash test', contactEmail: 'crash@example.com' });
  const scope: TenantScope = { accountId: account.id, livemode: false };
  const wallet = await services.wallets.fund(scope, {
    amount: balance,
    currency: 'NGN',
    reference: `fund:${account.id}`,
  });
  const bankAccount = await services.bankAccounts.create(scope, {
    bankCode: '058',
    accountNumber: '0123451234',
    accountName: 'Ada Obi',
    currency: 'NGN',
  });
  return { scope, wallet, bankAccount };
}

const balances = async (scope: TenantScope, walletId: string) => {
  const wallet = await services.wallets.get(scope, walletId);
  return { available: wallet.available, pending: wallet.pending };
};
// The test database is this file's alone: whole tables are small, and read without query helpers.
const railPayouts = async (reference: string) =>
  (await store.handle.db.select().from(schema.railPayouts)).filter((row) => row.reference === reference);
const ledgerTransactions = async (reference: string) =>
  (await store.handle.db.select().from(schema.ledgerTransactions)).filter((row) => row.reference === reference);
const payoutJobs = async () => (await jobs.queue.stats()).find((counts) => counts.name === PAYOUT_JOB);

describe('payout after a worker crash (real processes, Postgres)', () => {
  it.skipIf(!onPostgres)(
    'a worker SIGKILLed between the rail payout and the settlement: after a restart the withdrawal succeeds once and the rail paid once',
    async () => {
      const t0 = Date.now();
      const crashing = startWorkerProcess('crash');
      await crashing.waitFor(/^READY$/, 20_000);
      const tReadyA = Date.now();

      const { scope, wallet, bankAccount } = await partnerWith(1_000_000);
      const withdrawal = await services.withdrawals.create(scope, { amount: 400_000, bankAccountId: bankAccount.id });
      const total = 400_000 + withdrawal.fee.amount;
      expect(withdrawal.fee.amount).toBeGreaterThan(0);

      // The rail has paid; the worker hangs before settling, and dies there.
      await crashing.waitFor(new RegExp(`^PAID ${withdrawal.id} 0$`), 10_000);
      await kill(crashing.child, 'SIGKILL');
      const tKilled = Date.now();
      expect(crashing.child.signalCode).toBe('SIGKILL');

      expect((await services.withdrawals.get(scope, withdrawal.id)).status).toBe('processing');
      expect(await balances(scope, wallet.id)).toEqual({ available: 1_000_000 - total, pending: total });
      expect(await railPayouts(withdrawal.id)).toHaveLength(1);
      expect(await ledgerTransactions(`${withdrawal.id}:settle`)).toEqual([]);
      expect(await payoutJobs()).toMatchObject({ active: 1, completed: 0 });

      // A worker restarted on the same database takes the job over once it expires.
      const restarted = startWorkerProcess('resume');
      await restarted.waitFor(/^READY$/, 20_000);
      const tReadyB = Date.now();
      await waitUntil(
        'succeeded',
        async () => (await services.withdrawals.get(scope, withdrawal.id)).status === 'succeeded',
        30_000,
      );
      const tSettled = Date.now();
      // The retry asked the rail again and got the recorded payout back.
      const replayed = await restarted.waitFor(new RegExp(`^(PAID|REPLAYED) ${withdrawal.id} `), 5_000);
      expect(replayed).toMatch(new RegExp(`^REPLAYED ${withdrawal.id} [1-9]\\d*$`));
      await waitUntil('completed', async () => (await payoutJobs())?.completed === 1, 10_000);
      expect(await payoutJobs()).toMatchObject({ completed: 1, failed: 0, active: 0, retry: 0, created: 0 });
      await kill(restarted.child, 'SIGTERM');
      expect(restarted.child.exitCode).toBe(0);
      expect(restarted.lines.filter((line) => line.startsWith('PAID'))).toEqual([]);

      const events = (await services.events.list(scope, { limit: 100 })).data;
      expect(events.filter((event) => event.type === 'withdrawal.succeeded')).toHaveLength(1);
      expect(await railPayouts(withdrawal.id)).toHaveLength(1);
      expect(await ledgerTransactions(`${withdrawal.id}:settle`)).toHaveLength(1);
      expect(await balances(scope, wallet.id)).toEqual({ available: 1_000_000 - total, pending: 0 });
      const sums = new Map<string, number>();
      for (const entry of await store.handle.db.select().from(schema.ledgerEntries)) {
        sums.set(entry.currency, (sums.get(entry.currency) ?? 0) + entry.amount);
      }
      expect(Object.fromEntries(sums)).toEqual({ NGN: 0 });

      console.log(
        `[lendwire] payout crash: worker A ready in ${tReadyA - t0} ms, killed ${tKilled - tReadyA} ms later; ` +
          `worker B ready ${tReadyB - tKilled} ms after the kill; settled ${tSettled - tKilled} ms after the kill (${replayed})`,
      );
    },
    90_000,
  );
});
