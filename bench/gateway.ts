/**
 * `pnpm bench:gateway`: throughput and latency of the gateway's `GET /v1/me` against bare Hono serving
 * the same body and against a hand-built Fastify peer, measured in one run with alternating rounds, and
 * printed as ratios against those baselines.
 *
 *   (a) bare Hono on @hono/node-server, returning the body captured from (b)
 *   (b) the gateway (`startGateway`), a valid key, the in-process rate limiter
 *   (c) the same gateway with the Redis rate limiter (skipped, with the reason, when Redis is not reachable)
 *   (d) the Fastify peer: Fastify 5, an onRequest hook hashing the Bearer key with node:crypto SHA-256 into
 *       a Map lookup, @fastify/rate-limit in memory, the body captured from (b)
 *
 * Each server runs in its own child process (`bench/server.ts`); autocannon runs here. Not part of
 * `pnpm test`: it is a measurement and exits 0 whatever the ratios, but non-zero when a run is invalid
 * (any response other than 200, socket errors, or the Redis limiter failing open).
 *
 * Latency percentiles are computed here from every 200 response's time (autocannon's own histogram
 * rounds to whole milliseconds).
 *
 * Options (after `--`): --rounds 3 --duration 5 --warmup 2 --connections 50 --targets a,b,c,d
 *   --cpu-prof b,c   V8 CPU profile of those servers over the measured rounds (start-up and warm-up left
 *                    out), taken with node:inspector in the server process; read it with
 *                    `pnpm bench:profile <file>`
 *   --cpu-prof-dir   where to write them (default: <tmpdir>/lendwire-bench-profiles)
 *   --workers off    the gateways' LENDWIRE_WORKERS: `off` (default) measures the HTTP path alone, as a
 *                    gateway deployed beside `lendwire worker`s runs; `in-process` adds the embedded
 *                    workers, whose polling of the store costs CPU whatever the load (printed as idle CPU)
 */
import { type ChildProcess, fork } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { ChildMessage, ParentMessage, Target } from './protocol.js';

type TargetId = 'a' | 'b' | 'c' | 'd';

interface TargetSpec {
  id: TargetId;
  child: Target;
  label: string;
}

const TARGETS: TargetSpec[] = [
  { id: 'a', child: 'bare', label: '(a) bare Hono, same body' },
  { id: 'b', child: 'gateway-memory', label: '(b) gateway, in-process limiter' },
  { id: 'c', child: 'gateway-redis', label: '(c) gateway, Redis limiter' },
  { id: 'd', child: 'fastify', label: '(d) Fastify peer' },
];

/** Targets served with the body captured from (b), so every target answers the same bytes. */
const BODY_TARGETS: TargetId[] = ['a', 'd'];

const GOALS: { id: TargetId; base: TargetId; min: number }[] = [
  { id: 'b', base: 'a', min: 0.75 },
  { id: 'b', base: 'd', min: 1.0 },
  { id: 'c', base: 'a', min: 0.5 },
];

const PATH = '/v1/me';
const SERVER_SCRIPT = fileURLToPath(new URL('./server.ts', import.meta.url));

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    targets: { type: 'string', default: 'a,b,c,d' },
    'cpu-prof': { type: 'string', default: '' },
    'cpu-prof-dir': { type: 'string', default: join(os.tmpdir(), 'lendwire-bench-profiles') },
    workers: { type: 'string', default: 'off' },
  },
  // `pnpm bench:gateway -- --rounds 1` passes the `--` through; parseArgs would stop reading options at it.
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
});

const rounds = positiveInt('rounds', args.rounds);
const duration = positiveInt('duration', args.duration);
const warmup = Number(args.warmup);
const connections = positiveInt('connections', args.connections);
const wanted = new Set(args.targets.split(',').map((t) => t.trim())) as Set<TargetId>;
const profiled = new Set(args['cpu-prof'].split(',').filter(Boolean)) as Set<TargetId>;
const workers = args.workers;
if (workers !== 'off' && workers !== 'in-process')
  throw new Error(`--workers must be off or in-process (got ${workers})`);

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got ${value})`);
  return n;
}

/** A running server child. */
interface Server {
  spec: TargetSpec;
  process: ChildProcess;
  url: string;
  key?: string;
  send(message: ParentMessage): void;
  /** CPU time of the whole process (GC and other helper threads included) and of its main thread, in µs. */
  cpuMicros(): Promise<{ total: number; main: number }>;
  startProfile(): void;
  /** Stops the profiler and returns the file written. */
  stopProfile(dir: string, name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Sends a message to a child and resolves with its first answer of the given type. */
function request<T extends ChildMessage['type']>(
  child: ChildProcess,
  message: ParentMessage,
  answer: T,
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve) => {
    const onMessage = (m: ChildMessage) => {
      if (m.type !== answer) return;
      child.off('message', onMessage);
      resolve(m as Extract<ChildMessage, { type: T }>);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

type Started = { kind: 'ready'; server: Server } | { kind: 'unavailable'; reason: string };

function startServer(spec: TargetSpec, body?: { body: string; contentType: string }): Promise<Started> {
  const execArgv = ['--conditions=@lendwire/source', '--import', 'tsx'];
  const child = fork(SERVER_SCRIPT, [spec.child, workers], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const send = (m: ParentMessage) => child.send(m);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<Started>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${spec.label}: not ready within 60 s`));
    }, 60_000);
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      reject(new Error(`${spec.label}: server exited before it was ready (code ${code}, signal ${signal})`));
    };
    child.once('exit', onExit);
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'failed') {
        clearTimeout(timer);
        child.off('exit', onExit);
        reject(new Error(`${spec.label}: server failed to start:\n${m.error}`));
      } else if (m.type === 'unavailable') {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ kind: 'unavailable', reason: m.reason });
      } else if (m.type === 'ready') {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({
          kind: 'ready',
          server: {
            spec,
            process: child,
            url: m.url,
            ...(m.key ? { key: m.key } : {}),
            send,
            cpuMicros: async () => {
              const r = await request(child, { type: 'cpu' }, 'cpu');
              return { total: r.user + r.system, main: r.mainUser + r.mainSystem };
            },
            startProfile: () => send({ type: 'profile-start' }),
            stopProfile: async (dir, name) =>
              (await request(child, { type: 'profile-stop', dir, name }, 'profiled')).file,
            stop: async () => {
              if (child.exitCode !== null || child.signalCode !== null) return;
              send({ type: 'stop' });
              const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
              await exited;
              clearTimeout(killer);
            },
          },
        });
      }
    });
    if (body) send({ type: 'body', ...body });
  });
}

function authHeaders(server: Server): Record<string, string> {
  return server.key ? { authorization: `Bearer ${server.key}` } : {};
}

async function get(server: Server, path: string) {
  const res = await fetch(server.url + path, { headers: authHeaders(server) });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** One autocannon run, with the server's and this process's CPU use over it. */
interface Run {
  /** Responses completed. */
  requests: number;
  reqPerSec: number;
  /** Latency percentiles of the 200 responses, in ms. */
  p50: number;
  p99: number;
  serverCpu: number;
  /** Server CPU time per completed request, in µs: less sensitive than req/s to other load on the machine. */
  cpuPerRequest: number;
  /** The same for the server's main (JavaScript) thread alone; the rest is GC and other helper threads. */
  mainCpuPerRequest: number;
  loadgenCpu: number;
  bad: string[];
}

async function measure(server: Server, seconds: number): Promise<Run> {
  const serverBefore = await server.cpuMicros();
  const selfBefore = process.cpuUsage();
  const started = performance.now();
  const latencies = new LatencyLog();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: server.url + PATH, connections, duration: seconds, headers: authHeaders(server) },
      (error, r) => (error ? reject(error) : resolve(r)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status === 200) latencies.add(ms);
    });
  });
  const wallMs = performance.now() - started;
  const self = process.cpuUsage(selfBefore);
  const serverAfter = await server.cpuMicros();
  const serverCpu = serverAfter.total - serverBefore.total;
  const bad: string[] = [];
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {}) as [string, { count: number }][]) {
    if (code !== '200' && count > 0) bad.push(`${count} × HTTP ${code}`);
  }
  if (result.errors > 0) bad.push(`${result.errors} socket errors`);
  if (result.timeouts > 0) bad.push(`${result.timeouts} timeouts`);
  if (result.requests.total === 0) bad.push('no request completed');
  return {
    requests: result.requests.total,
    reqPerSec: result.requests.total / result.duration,
    p50: latencies.quantile(0.5),
    p99: latencies.quantile(0.99),
    serverCpu: serverCpu / 1000 / wallMs,
    cpuPerRequest: serverCpu / Math.max(1, result.requests.total),
    mainCpuPerRequest: (serverAfter.main - serverBefore.main) / Math.max(1, result.requests.total),
    loadgenCpu: (self.user + self.system) / 1000 / wallMs,
    bad,
  };
}

/** The limiter the gateway reports on /readyz, and how often it failed (fail-open would hide it). */
async function limiterState(server: Server): Promise<{ kind: string; failures: number }> {
  const res = await get(server, '/readyz');
  const ready = JSON.parse(res.body) as { rateLimiter?: { kind: string; failures: number } };
  if (!ready.rateLimiter) throw new Error(`${server.spec.label}: /readyz has no rateLimiter (${res.status})`);
  return ready.rateLimiter;
}

/** Response times in ms, kept whole (a few MB per run) so percentiles need no rounding to buckets. */
class LatencyLog {
  private values = new Float64Array(1 << 16);
  private count = 0;

  add(ms: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = ms;
  }

  /** The q-quantile (nearest rank), NaN when nothing was recorded. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const sorted = this.values.subarray(0, this.count).sort();
    return sorted[Math.min(this.count - 1, Math.ceil(q * this.count) - 1)]!;
  }
}

class InvalidRun extends Error {}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const stdev = (xs: number[]) => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number) => `${Math.round(n * 100)}%`;
const ms = (n: number) => n.toFixed(2);

function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(`Lendwire gateway benchmark: GET ${PATH}`);
  console.log(
    `machine: ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, ${os.platform()}`,
  );
  console.log(
    `load: autocannon ${connections} connections, ${rounds} round(s) × ${wanted.size} target(s) × ${duration} s, ` +
      `${warmup} s warm-up per target, target order rotated each round`,
  );
  console.log(
    'NOTE: the load generator (autocannon, in this process) and the server under test (its own child process)\n' +
      `      compete for the same ${cpus.length} core(s). Absolute figures are lower than with a separate load machine, and\n` +
      '      when the server CPU column is well below 100% the load generator, not the server, set the pace.\n' +
      '      Server CPU is user+system time of the server process (V8 GC threads can take it past 100%); µs CPU/req\n' +
      '      is that time per response, which other load on the machine disturbs less than req/s. Redis, for (c),\n' +
      '      runs on the same cores too.',
  );
  console.log(
    'NOTE: the gateways run at LENDWIRE_LOG_LEVEL=warn. At the default level (info) they also write one JSON\n' +
      '      log line per request, which costs extra; these figures exclude it.',
  );
  console.log(
    workers === 'off'
      ? 'NOTE: the gateways run with LENDWIRE_WORKERS=off (each says so at start): the HTTP path alone, as gateways\n' +
          '      deployed beside `lendwire worker`s run. `--workers in-process` adds the embedded workers.'
      : 'NOTE: the gateways run their embedded workers (LENDWIRE_WORKERS=in-process), which poll the store whatever\n' +
          '      the load: see their idle CPU below.',
  );
  console.log('');

  const servers = new Map<TargetId, Server>();
  const skipped = new Map<TargetId, string>();
  const stopAll = () => Promise.all([...servers.values()].map((s) => s.stop()));
  process.once('SIGINT', () => {
    void stopAll().finally(() => process.exit(130));
  });

  try {
    // (b) is needed whenever (a) or (d) is measured: they serve the body captured from it.
    const needsBody = BODY_TARGETS.some((id) => wanted.has(id));
    const gatewaySpecs = TARGETS.filter(
      (t) => !BODY_TARGETS.includes(t.id) && (wanted.has(t.id) || (t.id === 'b' && needsBody)),
    );
    const started = await Promise.all(gatewaySpecs.map((spec) => startServer(spec).then((s) => [spec, s] as const)));
    for (const [spec, s] of started) {
      if (s.kind === 'ready') servers.set(spec.id, s.server);
      else skipped.set(spec.id, s.reason);
    }

    for (const [id, server] of servers) {
      const res = await get(server, PATH);
      if (res.status !== 200)
        throw new InvalidRun(`${server.spec.label}: GET ${PATH} answered ${res.status}: ${res.body}`);
      const limiter = await limiterState(server);
      const expected = id === 'c' ? 'redis' : 'memory';
      if (limiter.kind !== expected)
        throw new InvalidRun(`${server.spec.label}: limiter is ${limiter.kind}, expected ${expected}`);
      console.log(
        `${server.spec.label}: ${server.url}, limiter ${limiter.kind}, ${res.body.length} B body, ` +
          `${[...res.headers.keys()].length} response headers, RateLimit: ${res.headers.get('ratelimit')}`,
      );
    }

    if (needsBody) {
      const captured = await get(servers.get('b')!, PATH);
      const contentType = captured.headers.get('content-type') ?? '';
      for (const spec of TARGETS.filter((t) => BODY_TARGETS.includes(t.id) && wanted.has(t.id))) {
        const s = await startServer(spec, { body: captured.body, contentType });
        if (s.kind !== 'ready') throw new Error(`${spec.label} unavailable: ${s.reason}`);
        servers.set(spec.id, s.server);
        const res = await get(s.server, PATH);
        // Fastify adds `; charset=utf-8` to JSON: the media type must match, the parameters may differ.
        const mediaType = (type: string | null) => type?.split(';')[0]?.trim();
        if (
          res.status !== 200 ||
          res.body !== captured.body ||
          mediaType(res.headers.get('content-type')) !== mediaType(contentType)
        ) {
          throw new InvalidRun(`${spec.label} does not serve the same body and content type as (b)`);
        }
        if (s.server.key) {
          // The peer must do the work it stands for: no key, no body.
          const anonymous = await fetch(s.server.url + PATH);
          await anonymous.body?.cancel();
          if (anonymous.status !== 401)
            throw new InvalidRun(`${spec.label}: GET ${PATH} without a key answered ${anonymous.status}`);
        }
        console.log(
          `${spec.label}: ${s.server.url}, ${res.body.length} B body (byte-identical to (b)), ` +
            `${[...res.headers.keys()].length} response headers`,
        );
      }
    }
    for (const [id, reason] of skipped) {
      console.log(`${TARGETS.find((t) => t.id === id)!.label}: SKIPPED: ${reason}`);
    }
    if (!wanted.has('b')) {
      await servers.get('b')?.stop();
      servers.delete('b');
    }
    // CPU a server spends with no request to serve (timers, pollers): part of every figure below.
    const idle = await Promise.all(
      [...servers.values()].map(async (server) => {
        const before = await server.cpuMicros();
        await new Promise((resolve) => setTimeout(resolve, 2000));
        return `${server.spec.label.slice(0, 3)} ${pct(((await server.cpuMicros()).total - before.total) / 2e6)}`;
      }),
    );
    console.log(`idle CPU over 2 s, no load: ${idle.join(', ')}`);
    console.log('');

    const order = TARGETS.filter((t) => servers.has(t.id)).map((t) => t.id);
    const runs = new Map<TargetId, Run[]>(order.map((id) => [id, []]));
    const check = (server: Server, run: Run, what: string) => {
      if (run.bad.length > 0) {
        throw new InvalidRun(`${server.spec.label}, ${what}: responses other than 200: ${run.bad.join(', ')}`);
      }
    };

    if (warmup > 0) {
      for (const id of order) {
        const server = servers.get(id)!;
        check(server, await measure(server, warmup), 'warm-up');
        console.log(`warm-up ${server.spec.label}: done`);
      }
    }

    for (const id of order) if (profiled.has(id)) servers.get(id)!.startProfile();
    for (let round = 0; round < rounds; round++) {
      const rotated = order.map((_, i) => order[(i + round) % order.length]!);
      for (const id of rotated) {
        const server = servers.get(id)!;
        const run = await measure(server, duration);
        check(server, run, `round ${round + 1}`);
        runs.get(id)!.push(run);
        console.log(
          `round ${round + 1} ${server.spec.label.padEnd(34)} ${int(run.reqPerSec).padStart(7)} req/s  ` +
            `p50 ${ms(run.p50)} p99 ${ms(run.p99)} ms  server CPU ${pct(run.serverCpu)} (${run.cpuPerRequest.toFixed(1)} µs/req, main thread ${run.mainCpuPerRequest.toFixed(1)})  ` +
            `load generator CPU ${pct(run.loadgenCpu)}`,
        );
      }
    }

    for (const id of order) {
      if (!profiled.has(id)) continue;
      const file = await servers
        .get(id)!
        .stopProfile(args['cpu-prof-dir'], `${servers.get(id)!.spec.child}-${Date.now()}`);
      const requests = runs.get(id)!.reduce((sum, r) => sum + r.requests, 0);
      console.log(
        `CPU profile of ${servers.get(id)!.spec.label} (measured rounds only, ${requests} requests): ${file}\n` +
          `  per request by area: pnpm bench:profile ${file} --requests ${requests}`,
      );
    }

    for (const id of ['b', 'c'] as const) {
      const server = servers.get(id);
      if (!server) continue;
      const limiter = await limiterState(server);
      if (limiter.failures > 0) {
        throw new InvalidRun(
          `${server.spec.label}: the rate limiter failed ${limiter.failures} time(s) during the run (requests passed ` +
            'fail-open without a limit check)',
        );
      }
    }

    const summary = new Map(
      [...runs].map(([id, rs]) => [
        id,
        {
          reqPerSec: mean(rs.map((r) => r.reqPerSec)),
          sd: stdev(rs.map((r) => r.reqPerSec)),
          p50: mean(rs.map((r) => r.p50)),
          p99: mean(rs.map((r) => r.p99)),
          serverCpu: mean(rs.map((r) => r.serverCpu)),
          cpuPerRequest: mean(rs.map((r) => r.cpuPerRequest)),
          loadgenCpu: mean(rs.map((r) => r.loadgenCpu)),
        },
      ]),
    );
    const ratio = (id: TargetId, base: TargetId) => {
      const s = summary.get(id);
      const b = summary.get(base);
      return s && b ? (s.reqPerSec / b.reqPerSec).toFixed(2) : 'n/a';
    };
    console.log('');
    console.log(
      `Results (mean over ${rounds} round(s) of ${duration} s, ${connections} connections, all responses 200):`,
    );
    console.log(
      table(
        ['target', 'req/s', '± sd', 'p50 ms', 'p99 ms', 'server CPU', 'µs CPU/req', 'loadgen CPU', 'vs (a)', 'vs (d)'],
        TARGETS.map((t) => {
          const s = summary.get(t.id);
          if (!s) return [t.label, skipped.has(t.id) ? 'skipped' : 'not run', '', '', '', '', '', '', '', ''];
          return [
            t.label,
            int(s.reqPerSec),
            int(s.sd),
            ms(s.p50),
            ms(s.p99),
            pct(s.serverCpu),
            s.cpuPerRequest.toFixed(1),
            pct(s.loadgenCpu),
            ratio(t.id, 'a'),
            ratio(t.id, 'd'),
          ];
        }),
        new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]),
      ),
    );
    console.log('');
    console.log(
      table(
        ['goal', 'ratio', 'verdict'],
        GOALS.map((g) => {
          const name = `(${g.id})/(${g.base}) >= ${g.min.toFixed(2)}`;
          const r = ratio(g.id, g.base);
          if (r === 'n/a') {
            const missing = [g.id, g.base].find((id) => !summary.has(id))!;
            return [name, 'n/a', skipped.has(missing) ? 'SKIPPED (see above)' : 'NOT RUN'];
          }
          return [name, r, Number(r) >= g.min ? 'PASS' : 'BELOW'];
        }),
        new Set([1]),
      ),
    );
  } catch (error) {
    if (!(error instanceof InvalidRun)) throw error;
    console.error(`\nINVALID RUN: ${error.message}`);
    process.exitCode = 1;
  } finally {
    await stopAll();
  }
}

await main();
