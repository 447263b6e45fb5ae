/**
 * `pnpm bench:webhooks`: webhook deliveries per second through the built-in dispatcher (fan-out,
 * leased claim, Standard Webhooks signing, the Node sender, one attempt row and the delivery's update
 * per delivery) to a local receiver on Postgres, against a raw undici `request` POST loop of the same
 * number of requests to the same receiver at the same concurrency, measured in the same run and
 * printed as a ratio against it (goal ≥ 0.5).
 *
 * For each `--concurrency` value (default 16,32) a fresh database is created on the server at
 * `LENDWIRE_BENCH_DATABASE_URL` (else `LENDWIRE_TEST_DATABASE_URL`, else
 * postgres://postgres@127.0.0.1:5432/test, used as the admin connection) and dropped afterwards.
 * When Postgres is not reachable the bench is skipped, with the reason.
 *
 * Setup (not timed): one account in test mode, one endpoint (`*`) on a node:http receiver at
 * 127.0.0.1 that reads each body and answers 200; `--events` events recorded through the outbox
 * (`services.events.record`), all at once, so the timed run is a burst.
 * Timed: `dispatcher.runOnce()` (concurrency as given, `--batch-size` per claim) until every
 * delivery succeeded. Raw: `--events` undici `request` POSTs of a body of the same size with the
 * same headers, `concurrency` at a time, to the same receiver: half just before the dispatcher run
 * and half just after.
 *
 * Latency: from the event's commit (`events.created_at`, set in the transaction that records it) to
 * the receiver reading the request, per delivery: in a burst it is mostly the queue ahead of it.
 * Also printed: the SQL statements the dispatcher sent per delivery (Drizzle logger; BEGIN/COMMIT
 * are not statements), commits per delivery (`pg_stat_database`).
 *
 * Checks: every delivery succeeded with exactly one attempt, the receiver got each delivery once
 * with a signature that verifies; otherwise the run is invalid (exit code 1). Not part of `pnpm test`.
 *
 * Options (after `--`): --events 5000 --concurrency 16,32 --batch-size 500
 *   --statements   list every distinct statement with its count per delivery
 *   --json         print one JSON document on stdout (progress goes to stderr)
 *   --cpu-prof DIR write a V8 CPU profile of each timed dispatcher run (only that phase) to DIR;
 *                  read it with `pnpm bench:profile <file>`
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createDb,
  createSecretBox,
  createServices,
  createWebhookDispatcher,
  type DbHandle,
  type DispatchReport,
  generateEncryptionKey,
  parseEncryptionKey,
} from '../packages/core/src/index.js';
import { createWebhookSender, nodeSign } from '../packages/gateway/src/node/webhook-sender.js';
import { verify } from '../packages/webhooks/src/index.js';
import {
  clientOf,
  DEFAULT_ADMIN_URL,
  describeError,
  InvalidRun,
  int,
  loggedDb,
  type PostgresJsClient,
  positiveInt,
  quantile,
  redact,
  statementCounter,
} from './support.js';

const GOAL = 0.5;

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16,32' },
    'batch-size': { type: 'string', default: '500' },
    statements: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string', default: '' },
  },
  // `pnpm bench:webhooks -- --json` passes the `--` through; parseArgs would stop reading options at it.
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
});

const eventCount = positiveInt('events', args.events);
const concurrencies = args.concurrency.split(',').map((c) => positiveInt('concurrency', c.trim()));
const batchSize = positiveInt('batch-size', args['batch-size']);

/** With `--json`, stdout carries only the JSON document. */
const log = (line = '') => (args.json ? process.stderr : process.stdout).write(`${line}\n`);

/** undici's `request`, from the gateway's dependency (the root has none). */
async function undiciRequest() {
  const requireFromGateway = createRequire(new URL('../packages/gateway/package.json', import.meta.url));
  const entry = requireFromGateway.resolve('undici');
  const undici = (await import(pathToFileURL(entry).href)) as typeof import('undici');
  return undici;
}

/** The receiver: reads each body, notes when it arrived (by `webhook-id`), answers 200. */
async function startReceiver() {
  const received = new Map<string, { at: number; body: string; headers: Record<string, string> }>();
  let raw = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const id = req.headers['webhook-id'];
      if (typeof id === 'string' && !req.headers['x-bench-raw']) {
        received.set(id, {
          at,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        });
      } else raw++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    rawCount: () => raw,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** `ops` raw POSTs, `lanes` at a time, through one undici Agent (as the sender keeps one). */
async function rawLoop(
  undici: typeof import('undici'),
  url: string,
  body: string,
  headers: Record<string, string>,
  ops: number,
  lanes: number,
) {
  // As many connections as lanes, like the dispatcher's sender (one per concurrent send).
  const agent = new undici.Agent({ connections: lanes });
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < ops) {
      next++;
      const res = await undici.request(url, {
        method: 'POST',
        headers: { ...headers, 'x-bench-raw': '1' },
        body,
        dispatcher: agent,
      });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`raw POST answered ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, ops) }, lane));
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  return { ops, seconds };
}

async function pgCommits(client: PostgresJsClient): Promise<number> {
  const [row] = await client.unsafe('select xact_commit from pg_stat_database where datname = current_database()');
  return Number(row?.xact_commit ?? 0);
}

/**
 * CPU time (ms) used so far by every `postgres` process of this machine (Linux /proc; null elsewhere
 * or when the server is on another machine): with `process.cpuUsage()`, where each delivery's
 * microseconds go.
 */
function postgresCpuMs(): number | null {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    }
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** CPU µs of this process and of Postgres, per delivery or per raw request. */
interface CpuSplit {
  processUs: number;
  postgresUs: number | null;
}

function cpuMark() {
  const t0 = process.cpuUsage();
  const pg0 = postgresCpuMs();
  return (ops: number): CpuSplit => {
    const used = process.cpuUsage(t0);
    const pg1 = postgresCpuMs();
    return {
      processUs: (used.user + used.system) / ops,
      postgresUs: pg0 === null || pg1 === null ? null : ((pg1 - pg0) * 1000) / ops,
    };
  };
}

interface Result {
  concurrency: number;
  events: number;
  passes: number;
  seconds: number;
  deliveriesPerSec: number;
  raw: { perSec: number; before: { ops: number; seconds: number }; after: { ops: number; seconds: number } };
  ratio: number;
  latencyMs: { p50: number; p99: number; max: number };
  statementsPerDelivery: number;
  commitsPerDelivery: number;
  /** CPU per delivery (dispatcher run) and per request (raw loop), this process and Postgres. */
  cpu: { dispatcher: CpuSplit; raw: CpuSplit };
  statements: { count: number; perDelivery: number; text: string }[];
}

async function benchRound(admin: DbHandle, adminUrl: string, concurrency: number): Promise<Result> {
  const adminClient = clientOf(admin);
  const name = `lendwire_bench_wh_${Date.now().toString(36)}_${process.pid}`;
  await adminClient.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let handle: DbHandle | undefined;
  let receiver: Receiver | undefined;
  const sender = createWebhookSender({ allowPrivateNetworks: true, connections: concurrency });
  try {
    handle = await createDb({ databaseUrl: url.toString(), maxConnections: concurrency + 4 });
    const client = clientOf(handle);
    const counter = statementCounter();
    const services = createServices({
      db: await loggedDb(handle, counter),
      secretBox: createSecretBox(parseEncryptionKey(generateEncryptionKey())),
      webhooks: { allowPrivateNetworks: true },
    });
    receiver = await startReceiver();
    const undici = await undiciRequest();

    const account = await services.accounts.create({ name: 'Bench', contactEmail: 'bench@example.com' });
    const scope = { accountId: account.id, livemode: false };
    const endpoint = await services.webhookEndpoints.create(scope, { url: receiver.url, enabledEvents: ['*'] });
    const secret = (await services.webhookEndpoints.get(scope, endpoint.id)) as { secret?: string };
    const dispatcher = createWebhookDispatcher(services.ctx, {
      sender,
      sign: nodeSign,
      jitter: 0,
      concurrency,
      batchSize,
      fanOutBatchSize: batchSize,
    });
    // Anything the account's creation recorded goes out first, untimed.
    while ((await dispatcher.runOnce()).claimed > 0);
    receiver.received.clear();

    const object = { id: 'cus_bench', object: 'customer', name: 'Ada Obi', email: 'ada@example.com', metadata: {} };
    const setupStart = performance.now();
    for (let i = 0; i < eventCount; i++) await services.events.record(scope, 'customer.created', { ...object, n: i });
    log(
      `  c=${concurrency}: recorded ${int(eventCount)} events in ${((performance.now() - setupStart) / 1000).toFixed(1)} s (database ${name})`,
    );
    const [sample] = await client.unsafe(
      `select to_jsonb(e) as e from events e where type = 'customer.created' order by id limit 1`,
    );
    const sampleBody = JSON.stringify(sample?.e ?? {});
    const rawHeaders = {
      'content-type': 'application/json',
      'user-agent': 'Lendwire-Webhooks/1',
      'webhook-id': 'msg_raw',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': `v1,${'A'.repeat(44)}`,
    };

    const half = Math.ceil(eventCount / 2);
    const rawCpu0 = cpuMark();
    const before = await rawLoop(undici, receiver.url, sampleBody, rawHeaders, half, concurrency);
    const rawCpuBefore = rawCpu0(half);

    counter.reset();
    const commits0 = await pgCommits(client);
    const report: DispatchReport = { fannedOut: 0, claimed: 0, succeeded: 0, retrying: 0, failed: 0, throttled: 0 };
    let passes = 0;
    const profiler = args['cpu-prof'] ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const dispatchCpu = cpuMark();
    const started = performance.now();
    while (report.succeeded < eventCount) {
      const r = await dispatcher.runOnce();
      passes++;
      for (const key of Object.keys(report) as (keyof DispatchReport)[]) report[key] += r[key];
      if (r.claimed === 0 && r.fannedOut === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const dispatcherCpu = dispatchCpu(eventCount);
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      mkdirSync(args['cpu-prof'], { recursive: true });
      const file = join(args['cpu-prof'], `webhooks-c${concurrency}-${Date.now()}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      log(`  c=${concurrency}: CPU profile of the dispatcher run written to ${file}`);
    }
    const commits = (await pgCommits(client)) - commits0 - 1;
    const statementsSent = counter.total();
    const statements = [...counter.counts.entries()]
      .map(([text, count]) => ({ count, perDelivery: count / eventCount, text: text.replace(/\s+/g, ' ').trim() }))
      .sort((a, b) => b.count - a.count);

    const rawCpu1 = cpuMark();
    const after = await rawLoop(undici, receiver.url, sampleBody, rawHeaders, eventCount - half, concurrency);
    const rawCpuAfter = rawCpu1(eventCount - half);
    const mean = (a: number | null, b: number | null) => (a === null || b === null ? null : (a + b) / 2);
    const rawCpu: CpuSplit = {
      processUs: (rawCpuBefore.processUs + rawCpuAfter.processUs) / 2,
      postgresUs: mean(rawCpuBefore.postgresUs, rawCpuAfter.postgresUs),
    };

    // Checks.
    const problems: string[] = [];
    if (report.succeeded !== eventCount)
      problems.push(`${report.succeeded} succeeded of ${eventCount}: ${JSON.stringify(report)}`);
    const [counts] = await client.unsafe(
      `select count(*) filter (where status = 'succeeded' and attempt_count = 1) as ok, count(*) as n,
         (select count(*) from webhook_attempts) as attempts from webhook_deliveries
       where event_id in (select id from events where type = 'customer.created')`,
    );
    if (Number(counts?.ok) !== eventCount || Number(counts?.n) !== eventCount) {
      problems.push(`deliveries: ${counts?.ok} succeeded at the first attempt of ${counts?.n}, expected ${eventCount}`);
    }
    if (receiver.received.size !== eventCount) problems.push(`receiver got ${receiver.received.size} deliveries`);
    if (receiver.rawCount() !== eventCount) problems.push(`receiver got ${receiver.rawCount()} raw requests`);
    const whsec = secret.secret;
    if (whsec) {
      const [firstId, first] = receiver.received.entries().next().value ?? [];
      if (!first || !firstId) problems.push('nothing received');
      else
        await verify(first.body, first.headers, whsec).catch((e: unknown) =>
          problems.push(`signature: ${describeError(e)}`),
        );
    }
    if (problems.length > 0) throw new InvalidRun(problems.join('; '));

    const rows = await client.unsafe(
      `select d.id, extract(epoch from e.created_at) * 1000 as created from webhook_deliveries d join events e on e.id = d.event_id
       where e.type = 'customer.created'`,
    );
    const latencies = rows
      .map((r) => (receiver!.received.get(String(r.id))?.at ?? Number.NaN) - Number(r.created))
      .sort((a, b) => a - b);
    const rawSeconds = before.seconds + after.seconds;
    const rawPerSec = eventCount / rawSeconds;
    const deliveriesPerSec = eventCount / seconds;
    return {
      concurrency,
      events: eventCount,
      passes,
      seconds,
      deliveriesPerSec,
      raw: { perSec: rawPerSec, before, after },
      ratio: deliveriesPerSec / rawPerSec,
      latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1) ?? Number.NaN },
      statementsPerDelivery: statementsSent / eventCount,
      commitsPerDelivery: commits / eventCount,
      cpu: { dispatcher: dispatcherCpu, raw: rawCpu },
      statements,
    };
  } finally {
    await sender.close().catch(() => {});
    await receiver?.close().catch(() => {});
    await handle?.close().catch(() => {});
    await adminClient.unsafe(`drop database if exists ${name} with (force)`);
  }
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  const adminUrl =
    process.env.LENDWIRE_BENCH_DATABASE_URL || process.env.LENDWIRE_TEST_DATABASE_URL || DEFAULT_ADMIN_URL;
  log('Lendwire webhooks benchmark: the built-in dispatcher to a local receiver, vs a raw undici POST loop');
  log(
    `machine: ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, ${os.platform()}; ` +
      `${int(eventCount)} events, one endpoint, batchSize ${batchSize}, concurrency ${concurrencies.join(', ')}`,
  );
  const admin = await createDb({ databaseUrl: adminUrl, migrate: false, maxConnections: 1 });
  try {
    await clientOf(admin).unsafe('select 1');
  } catch (error) {
    await admin.close().catch(() => {});
    const reason = `${redact(adminUrl)}: ${describeError(error)}`;
    log(`postgres: SKIPPED: not reachable (${reason}); set LENDWIRE_BENCH_DATABASE_URL.`);
    if (args.json) process.stdout.write(`${JSON.stringify({ skipped: reason }, null, 2)}\n`);
    return;
  }
  const [v] = await clientOf(admin).unsafe('show server_version');
  const [f] = await clientOf(admin).unsafe('show synchronous_commit');
  log(
    `postgres: ${redact(adminUrl)} (server ${v?.server_version}, synchronous_commit ${f?.synchronous_commit}); a fresh database per concurrency`,
  );
  log('NOTE: Postgres, the receiver and this process share the machine; the raw loop runs half before and half after.');
  log('');
  const results: Result[] = [];
  try {
    for (const concurrency of concurrencies) {
      const r = await benchRound(admin, adminUrl, concurrency);
      results.push(r);
      log(
        `  c=${concurrency}: dispatcher ${int(r.deliveriesPerSec)} deliveries/s (${int(r.events)} in ${r.seconds.toFixed(2)} s, ${r.passes} passes); ` +
          `raw ${int(r.raw.perSec)} req/s; ratio ${r.ratio.toFixed(3)}; checks passed`,
      );
    }
  } catch (error) {
    if (!(error instanceof InvalidRun)) throw error;
    log(`\nINVALID RUN: ${error.message}`);
    process.exitCode = 1;
    return;
  } finally {
    await admin.close().catch(() => {});
  }
  log('');
  log(
    `Results (ratio = dispatcher deliveries/s ÷ raw undici POSTs/s; goal ≥ ${GOAL}; latency = event commit → receipt):`,
  );
  log(
    'concurrency  events  seconds  deliveries/s  raw req/s   ratio  p50 ms  p99 ms  stmts/delivery  commits/delivery',
  );
  for (const r of results) {
    log(
      `${String(r.concurrency).padStart(11)}  ${int(r.events).padStart(6)}  ${r.seconds.toFixed(2).padStart(7)}  ` +
        `${int(r.deliveriesPerSec).padStart(12)}  ${int(r.raw.perSec).padStart(9)}  ${`${r.ratio.toFixed(3)}×`.padStart(6)}  ` +
        `${r.latencyMs.p50.toFixed(0).padStart(6)}  ${r.latencyMs.p99.toFixed(0).padStart(6)}  ` +
        `${r.statementsPerDelivery.toFixed(2).padStart(14)}  ${r.commitsPerDelivery.toFixed(2).padStart(16)}`,
    );
  }
  log('');
  log('CPU per delivery (dispatcher run) and per request (raw loop), in µs; this process runs the receiver too:');
  log('concurrency  dispatcher: process  postgres   total  raw: process  postgres   total');
  const us = (v: number | null) => (v === null ? 'n/a' : v.toFixed(0));
  for (const r of results) {
    const d = r.cpu.dispatcher;
    const w = r.cpu.raw;
    log(
      `${String(r.concurrency).padStart(11)}  ${us(d.processUs).padStart(19)}  ${us(d.postgresUs).padStart(8)}  ` +
        `${us(d.processUs + (d.postgresUs ?? 0)).padStart(6)}  ${us(w.processUs).padStart(12)}  ${us(w.postgresUs).padStart(8)}  ` +
        `${us(w.processUs + (w.postgresUs ?? 0)).padStart(6)}`,
    );
  }
  const last = results.at(-1);
  if (last) {
    log('');
    const shown = args.statements ? last.statements : last.statements.slice(0, 12);
    log(
      `Statements per delivery (c=${last.concurrency}, ${last.statementsPerDelivery.toFixed(2)} in all, by Drizzle):`,
    );
    for (const s of shown) log(`  ${s.perDelivery.toFixed(3).padStart(7)}  ${s.text.slice(0, 150)}`);
  }
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ meta: { events: eventCount, batchSize, cpus: cpus.length, node: process.version }, results }, null, 2)}\n`,
    );
  }
}

await main();
