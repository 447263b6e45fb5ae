/**
 * `pnpm bench:ledger`: postings per second through the ledger service (`services.ledger.post`), against
 * a bare single-row `UPDATE bench_balance SET balance = balance + $1 WHERE id = 1` loop on the same
 * database and connection pool, measured in the same run and printed as ratios against it.
 *
 * Stores: PGlite in memory, and Postgres: a fresh database created for the run on the server at
 * `LENDWIRE_BENCH_DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/test, used as the admin
 * connection) and dropped at the end. When Postgres is not reachable it is skipped, with the reason.
 *
 * Scenarios:
 *   uncontended  one poster, sequential awaits; a posting credits a wallet from the `external_bank`
 *                system account (2 entries). Bare: one sequential loop.
 *   contended    N concurrent posters (default 8), all crediting ONE wallet (so also one bank account
 *                row). Bare: N concurrent loops on the one row.
 *
 * Each side runs `--duration` seconds per scenario, in short slices alternating with the other side, so
 * that background load on a shared machine (other test runs on the same Postgres, fsync stalls) hits
 * both alike; the spread of the ledger/bare ratio over slice pairs is printed beside the ratio.
 *
 * The ledger statement goes through Drizzle's `db.execute` (postgres.js, unprepared); the bare update
 * is a prepared statement on the same postgres.js pool (or the same PGlite instance): the cheapest
 * write this driver can do. Every posting has its own reference. After each store the run is checked:
 * the wallet's balance equals the sum of its entries and the count of postings, entries sum to zero,
 * and the bare row equals the count of updates; any failed operation or mismatch makes the run invalid.
 *
 * Not part of `pnpm test`: it is a measurement and exits 0 whatever the ratios, but non-zero when a run
 * is invalid.
 *
 * Options (after `--`): --duration 3 --warmup 1 --slice 0.25 --concurrency 8 --stores pglite,postgres
 *   --json   print one JSON document on stdout (progress goes to stderr)
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createDb, createServices, type DbHandle, type Services } from '../packages/core/src/index.js';
import { DEFAULT_ADMIN_URL, describeError, InvalidRun, type PostgresJsClient, positiveInt, redact } from './support.js';

type StoreId = 'pglite' | 'postgres';
type ScenarioId = 'uncontended' | 'contended';

const CURRENCY = 'NGN';
const GOAL = { store: 'postgres' as StoreId, scenario: 'uncontended' as ScenarioId, min: 0.5 };
const BARE_UPDATE = 'UPDATE bench_balance SET balance = balance + $1 WHERE id = 1';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    slice: { type: 'string', default: '0.25' },
    concurrency: { type: 'string', default: '8' },
    stores: { type: 'string', default: 'pglite,postgres' },
    json: { type: 'boolean', default: false },
  },
  // `pnpm bench:ledger -- --json` passes the `--` through; parseArgs would stop reading options at it.
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
});

const duration = positiveNumber('duration', args.duration);
const warmup = Number(args.warmup);
const slice = positiveNumber('slice', args.slice);
const concurrency = positiveInt('concurrency', args.concurrency);
const stores = args.stores.split(',').map((s) => s.trim()) as StoreId[];
for (const s of stores) if (s !== 'pglite' && s !== 'postgres') throw new Error(`--stores: unknown store ${s}`);
if (!Number.isFinite(warmup) || warmup < 0) throw new Error(`--warmup must be >= 0 (got ${args.warmup})`);

function positiveNumber(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number (got ${value})`);
  return n;
}

/** With `--json`, stdout carries only the JSON document. */
const log = (line = '') => (args.json ? process.stderr : process.stdout).write(`${line}\n`);

/** One open store: the services over it, and raw statements on the same connection(s). */
interface Store {
  id: StoreId;
  handle: DbHandle;
  services: Services;
  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** What one side did over some slices: operations completed, time spent, operations that failed. */
interface Tally {
  ops: number;
  seconds: number;
  failures: number;
  firstFailure?: string;
}

const emptyTally = (): Tally => ({ ops: 0, seconds: 0, failures: 0 });

function add(into: Tally, m: Tally): void {
  into.ops += m.ops;
  into.seconds += m.seconds;
  into.failures += m.failures;
  if (m.firstFailure && !into.firstFailure) into.firstFailure = m.firstFailure;
}

/** Runs `workers` loops of `op` for `seconds`, each awaiting its previous operation. */
async function runLoops(seconds: number, workers: number, op: (worker: number) => Promise<void>): Promise<Tally> {
  let ops = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (performance.now() < deadline) {
        try {
          await op(worker);
          ops++;
        } catch (error) {
          failures++;
          firstFailure ??= describeError(error);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { ops, seconds: elapsed, failures, ...(firstFailure ? { firstFailure } : {}) };
}

/** The two operations of one scenario, and what they have done so far (for the end-of-run check). */
interface Scenario {
  id: ScenarioId;
  workers: number;
  ledger: () => Promise<void>;
  bare: () => Promise<void>;
  walletAccountId: string;
  amount: number;
  postings: number;
}

let referenceSeq = 0;
let bareUpdates = 0;

async function prepareScenario(store: Store, id: ScenarioId): Promise<Scenario> {
  const { accounts, wallets, ledger } = store.services;
  const account = await accounts.create({ name: `Bench ${id}`, contactEmail: `bench-${id}@example.com` });
  const wallet = await wallets.ensure({ accountId: account.id, livemode: false }, CURRENCY);
  const bank = await ledger.systemAccount('external_bank', CURRENCY, false);
  const amount = 100;
  const scenario: Scenario = {
    id,
    workers: id === 'uncontended' ? 1 : concurrency,
    walletAccountId: wallet.availableAccountId,
    amount,
    postings: 0,
    ledger: async () => {
      const result = await ledger.post({
        reference: `bench:${id}:${++referenceSeq}`,
        type: 'funding',
        livemode: false,
        entries: [
          { ledgerAccountId: bank, amount: -amount, currency: CURRENCY },
          { ledgerAccountId: wallet.availableAccountId, amount, currency: CURRENCY },
        ],
      });
      if (!result.created) throw new Error('posting was not created (reference reused?)');
      scenario.postings++;
    },
    bare: async () => {
      await store.query(BARE_UPDATE, [1]);
      bareUpdates++;
    },
  };
  return scenario;
}

async function openPglite(): Promise<Store> {
  const handle = await createDb({ dataDir: ':memory:' });
  const pg = handle.pglite!;
  return {
    id: 'pglite',
    handle,
    services: createServices({ db: handle.db }),
    query: async (text, params) => (await pg.query<Record<string, unknown>>(text, params)).rows,
    close: () => handle.close(),
  };
}

/** The URL without its password, for printing. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const clientOf = (handle: DbHandle) => (handle.db as unknown as { $client: PostgresJsClient }).$client;

/** A database created for this run on the Postgres server, and how to drop it. */
interface PostgresRun {
  store: Store;
  settings: Record<string, string>;
  drop(): Promise<void>;
}

type PostgresOpened = { kind: 'ready'; run: PostgresRun } | { kind: 'unavailable'; reason: string };

async function openPostgres(adminUrl: string): Promise<PostgresOpened> {
  const admin = await createDb({ databaseUrl: adminUrl, migrate: false, maxConnections: 1 });
  const adminClient = clientOf(admin);
  try {
    await withTimeout(adminClient.unsafe('select 1'), 5_000, 'connect');
  } catch (error) {
    await admin.close().catch(() => {});
    return { kind: 'unavailable', reason: `${redact(adminUrl)}: ${describeError(error)}` };
  }
  const name = `lendwire_bench_${Date.now().toString(36)}_${process.pid}`;
  await adminClient.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await adminClient.unsafe(`drop database if exists ${name} with (force)`);
    await admin.close();
  };
  try {
    // The pool must hold every concurrent poster (and loop) at once.
    const handle = await createDb({ databaseUrl: url.toString(), maxConnections: Math.max(10, concurrency) });
    const client = clientOf(handle);
    const settings: Record<string, string> = { database: name };
    for (const s of ['server_version', 'fsync', 'synchronous_commit', 'wal_level']) {
      const [row] = await client.unsafe(`show ${s}`);
      settings[s] = String(row?.[s]);
    }
    return {
      kind: 'ready',
      run: {
        store: {
          id: 'postgres',
          handle,
          services: createServices({ db: handle.db }),
          query: (text, params) => client.unsafe(text, params, { prepare: true }),
          close: () => handle.close(),
        },
        settings,
        drop,
      },
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

interface Row {
  store: StoreId;
  scenario: ScenarioId;
  workers: number;
  ledger: Tally;
  bare: Tally;
  /** Ledger/bare of each measured pair of slices: their spread shows how noisy the machine was. */
  pairRatios: number[];
  /** Failures during warm-up: not measured, but they invalidate the run all the same. */
  warmupFailures: number;
}

const rate = (t: Tally) => t.ops / t.seconds;

/** The q-quantile of xs (linear interpolation). */
function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo]! + (sorted[Math.ceil(at)]! - sorted[lo]!) * (at - lo);
}
const int = (n: number) => Math.round(n).toLocaleString('en-US');

function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Runs the ledger and the bare loop in alternating slices (which one goes first alternates too), so
 * both sides see the same background load: on a shared machine a disk or CPU hiccup then hits both,
 * not whichever side happened to run during it.
 */
async function interleave(scenario: Scenario, seconds: number, onPair?: (ledger: Tally, bare: Tally) => void) {
  const totals = { ledger: emptyTally(), bare: emptyTally() };
  const pairs = Math.max(1, Math.round(seconds / slice));
  for (let k = 0; k < pairs; k++) {
    const order = k % 2 === 0 ? (['bare', 'ledger'] as const) : (['ledger', 'bare'] as const);
    const got = { ledger: emptyTally(), bare: emptyTally() };
    for (const side of order) got[side] = await runLoops(slice, scenario.workers, scenario[side]);
    add(totals.ledger, got.ledger);
    add(totals.bare, got.bare);
    onPair?.(got.ledger, got.bare);
  }
  return totals;
}

/** Measures both scenarios on one store, then checks its books. */
async function benchStore(store: Store): Promise<Row[]> {
  await store.query('create table bench_balance (id int primary key, balance bigint not null)');
  await store.query('insert into bench_balance (id, balance) values (1, 0)');
  bareUpdates = 0;
  const rows: Row[] = [];
  const scenarios: Scenario[] = [];
  for (const id of ['uncontended', 'contended'] as const) {
    const scenario = await prepareScenario(store, id);
    scenarios.push(scenario);
    let warmupFailures = 0;
    if (warmup > 0) {
      const w = await interleave(scenario, warmup);
      for (const side of ['ledger', 'bare'] as const) {
        if (w[side].failures === 0) continue;
        warmupFailures += w[side].failures;
        log(`${store.id} ${id} warm-up ${side}: ${w[side].failures} FAILED: ${w[side].firstFailure}`);
      }
    }
    const pairRatios: number[] = [];
    const m = await interleave(scenario, duration, (ledger, bare) => pairRatios.push(rate(ledger) / rate(bare)));
    const row: Row = { store: store.id, scenario: id, workers: scenario.workers, ...m, pairRatios, warmupFailures };
    rows.push(row);
    log(
      `${store.id.padEnd(8)} ${id.padEnd(11)} ${scenario.workers} worker(s): ` +
        `ledger ${int(rate(m.ledger))}/s (${int(m.ledger.ops)} in ${m.ledger.seconds.toFixed(2)} s), ` +
        `bare ${int(rate(m.bare))}/s (${int(m.bare.ops)} in ${m.bare.seconds.toFixed(2)} s), ` +
        `${pairRatios.length} slice pairs` +
        `${m.ledger.failures ? `; ledger ${m.ledger.failures} FAILED: ${m.ledger.firstFailure}` : ''}` +
        `${m.bare.failures ? `; bare ${m.bare.failures} FAILED: ${m.bare.firstFailure}` : ''}`,
    );
  }
  await checkStore(store, scenarios);
  return rows;
}

/** The run counts only if the books add up to what the loops say they did. */
async function checkStore(store: Store, scenarios: Scenario[]): Promise<void> {
  const { ledger } = store.services;
  for (const s of scenarios) {
    const balance = await ledger.balance(s.walletAccountId);
    const sum = await ledger.sumOfEntries(s.walletAccountId);
    const expected = s.postings * s.amount;
    if (balance !== expected || sum !== expected) {
      throw new InvalidRun(
        `${store.id} ${s.id}: wallet balance ${balance}, sum of entries ${sum}, expected ${expected} (${s.postings} postings)`,
      );
    }
  }
  const totals = await ledger.totalsByCurrency();
  if (Object.values(totals).some((t) => t !== 0)) {
    throw new InvalidRun(`${store.id}: entries do not sum to zero per currency: ${JSON.stringify(totals)}`);
  }
  const [row] = await store.query('select balance from bench_balance where id = 1');
  if (Number(row?.balance) !== bareUpdates) {
    throw new InvalidRun(`${store.id}: bench_balance is ${row?.balance}, expected ${bareUpdates} updates`);
  }
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  const adminUrl = process.env.LENDWIRE_BENCH_DATABASE_URL || DEFAULT_ADMIN_URL;
  log('Lendwire ledger benchmark: ledger.post (wallet credit, 2 entries) vs a bare single-row UPDATE loop');
  log(
    `machine: ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, ${os.platform()}`,
  );
  log(
    `load: ${duration} s per side and scenario, in ${slice} s slices alternating ledger and bare; ${warmup} s warm-up; ` +
      `uncontended = 1 sequential worker, contended = ${concurrency} concurrent workers on one wallet / one row`,
  );
  log(
    'NOTE: Postgres runs on the same cores as this process, and every posting and every bare update commits on\n' +
      '      its own (autocommit), so both sides pay one commit each; other load on the machine (test runs on the\n' +
      '      same server) moves absolute figures more than the ratios, which are measured in alternating slices.',
  );
  log('');

  const results: Row[] = [];
  const skipped = new Map<StoreId, string>();
  const meta: Record<string, unknown> = {
    duration,
    warmup,
    slice,
    concurrency,
    cpus: cpus.length,
    node: process.version,
  };
  let postgres: PostgresRun | undefined;
  const cleanup = async () => {
    await postgres?.store.close().catch(() => {});
    await postgres?.drop();
  };
  process.once('SIGINT', () => {
    void cleanup().finally(() => process.exit(130));
  });

  try {
    for (const id of stores) {
      if (id === 'pglite') {
        const startedAt = performance.now();
        const store = await openPglite();
        log(`pglite: in memory, opened and migrated in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
        try {
          results.push(...(await benchStore(store)));
        } finally {
          await store.close();
        }
      } else {
        const opened = await openPostgres(adminUrl);
        if (opened.kind === 'unavailable') {
          skipped.set('postgres', opened.reason);
          log(`postgres: SKIPPED: not reachable (${opened.reason}); set LENDWIRE_BENCH_DATABASE_URL. PGlite only.`);
          continue;
        }
        postgres = opened.run;
        meta.postgres = { ...postgres.settings, adminUrl: redact(adminUrl) };
        log(
          `postgres: ${redact(adminUrl)} → database ${postgres.settings.database} (server ${postgres.settings.server_version}, ` +
            `fsync ${postgres.settings.fsync}, synchronous_commit ${postgres.settings.synchronous_commit}; dropped at the end)`,
        );
        try {
          results.push(...(await benchStore(postgres.store)));
        } finally {
          await cleanup();
          postgres = undefined;
        }
      }
    }
  } catch (error) {
    if (!(error instanceof InvalidRun)) throw error;
    log(`\nINVALID RUN: ${error.message}`);
    process.exitCode = 1;
    return;
  }

  const failed = results.flatMap((r) => [
    ...(r.warmupFailures ? [`${r.store} ${r.scenario} warm-up: ${r.warmupFailures} failed`] : []),
    ...(['ledger', 'bare'] as const)
      .filter((side) => r[side].failures > 0)
      .map((side) => `${r.store} ${r.scenario} ${side}: ${r[side].failures} failed (${r[side].firstFailure})`),
  ]);
  const summary = results.map((r) => ({
    store: r.store,
    scenario: r.scenario,
    workers: r.workers,
    ledgerPerSec: rate(r.ledger),
    barePerSec: rate(r.bare),
    ratio: rate(r.ledger) / rate(r.bare),
    pairRatioP25: quantile(r.pairRatios, 0.25),
    pairRatioP75: quantile(r.pairRatios, 0.75),
    failures: r.ledger.failures + r.bare.failures + r.warmupFailures,
  }));
  const goalRow = summary.find((s) => s.store === GOAL.store && s.scenario === GOAL.scenario);
  const goalName = `ledger ≥ ${GOAL.min}× the bare loop on Postgres uncontended`;
  const verdict = !goalRow ? 'SKIPPED' : goalRow.failures > 0 ? 'INVALID' : goalRow.ratio >= GOAL.min ? 'PASS' : 'FAIL';

  log('');
  log(
    `Results (${duration} s per side, in ${slice} s slices alternating with the other side; ratio = ledger / bare; ` +
      'p25-p75 = spread of the ratio over slice pairs):',
  );
  log(
    table(
      ['store', 'scenario (workers)', 'ledger postings/s', 'bare updates/s', 'ratio', 'p25-p75', 'failed ops'],
      [
        ...summary.map((s) => [
          s.store,
          `${s.scenario} (${s.workers})`,
          int(s.ledgerPerSec),
          int(s.barePerSec),
          `${s.ratio.toFixed(2)}×`,
          `${s.pairRatioP25.toFixed(2)}-${s.pairRatioP75.toFixed(2)}`,
          int(s.failures),
        ]),
        ...[...skipped.keys()].map((store) => [store, 'skipped (see above)', '', '', '', '', '']),
      ],
      new Set([2, 3, 4, 5, 6]),
    ),
  );
  log('');
  const straddles = goalRow && goalRow.pairRatioP25 < GOAL.min && goalRow.pairRatioP75 >= GOAL.min;
  log(
    `goal: ${goalName}: ${verdict}` +
      (goalRow ? ` (${goalRow.ratio.toFixed(2)}×)` : ' (Postgres not measured)') +
      (straddles ? '; the p25-p75 spread straddles the goal: a noisy machine, run it again' : ''),
  );
  if (failed.length > 0) {
    log(`\nINVALID RUN: operations failed:\n  ${failed.join('\n  ')}`);
    process.exitCode = 1;
  }
  if (args.json) {
    const json = {
      meta,
      results: summary,
      skipped: Object.fromEntries(skipped),
      goal: { name: goalName, min: GOAL.min, ratio: goalRow?.ratio ?? null, verdict },
      failures: failed,
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }
}

await main();
