/**
 * `pnpm bench:profile <file.cpuprofile> [--top 30] [--inclusive packages/] [--requests N]`: the functions
 * with the most self time in a V8 CPU profile (as written by `node --cpu-prof` or
 * `pnpm bench:gateway -- --cpu-prof b`), the same grouped by package or source folder, and the inclusive
 * time of the functions whose script path contains `--inclusive` (default: the workspace packages), so hot
 * spots can be read without a browser. With `--requests` (the count `bench:gateway` prints beside the
 * profile), also the self time per request by area of the request path, in µs.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  options: {
    top: { type: 'string', default: '30' },
    inclusive: { type: 'string', default: 'packages/' },
    requests: { type: 'string', default: '' },
  },
  allowPositionals: true,
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
});
const file = positionals[0];
if (!file) {
  console.error('usage: pnpm bench:profile <file.cpuprofile> [--top 30]');
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMicros = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...selfMicros.values()].reduce((s, x) => s + x, 0);

/** Shortens a script URL to the package (`hono/dist/...`) or the workspace path. */
function where(url: string): string {
  const clean = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(clean);
  if (pkg) return `${pkg[1]}/${pkg[2]}`;
  const ws = /\/(packages\/.*|bench\/.*)$/.exec(clean);
  if (ws) return ws[1]!;
  return clean || '(native)';
}

function group(url: string): string {
  const clean = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(clean);
  if (pkg) return pkg[1]!;
  const ws = /\/packages\/([^/]+)\/src\/(.*\/)?/.exec(clean);
  if (ws) return `packages/${ws[1]}/src/${ws[2] ?? ''}`;
  if (clean.startsWith('node:')) return 'node internals';
  return clean ? clean : '(native / VM)';
}

/**
 * The part of a request's path a function belongs to. JSON.stringify and other builtins inlined into a
 * function count as that function's (the gateway's `envelopeJson` is mostly JSON.stringify).
 */
function area(f: ProfileNode['callFrame']): string {
  const url = f.url.replace(/^file:\/\//, '');
  const name = f.functionName;
  if (name === '(idle)') return '(idle)';
  if (name === '(garbage collector)') return 'garbage collection (main thread)';
  if (name === 'writeUtf8String' || name === 'writev' || name === 'writeBuffer') return 'socket writes (syscall)';
  if (name === 'oneShotDigest' || url === 'node:internal/crypto/hash') return 'SHA-256 (key hash, ETag)';
  if (name === 'runMicrotasks' || url === 'node:internal/process/task_queues') return 'promise jobs, nextTick';
  if (url === 'node:inspector') return 'profiler';
  if (/node:(_http|internal\/streams|internal\/stream_base|net|events|internal\/timers|timers)/.test(url)) {
    return 'Node HTTP, sockets, streams, timers';
  }
  if (url.includes('/@hono/node-server/')) return '@hono/node-server adapter';
  if (url.includes('/hono/dist/')) return 'Hono (routing, context)';
  if (url.includes('/ioredis/') || url.includes('/redis-parser/') || url.includes('/denque/')) return 'ioredis';
  if (url.includes('/@upstash/')) return '@upstash/ratelimit';
  if (name === 'envelopeJson') return 'JSON.stringify of the body (envelopeJson)';
  if (/\/packages\/gateway\/src\/(rate-limit|node\/redis-adapter)/.test(url)) return 'rate limiter (ours)';
  if (url.includes('/packages/gateway/src/')) return 'gateway: envelope, auth, checks, route';
  if (url.includes('/fastify/') || url.includes('/@fastify/') || url.includes('find-my-way')) return 'Fastify';
  if (url.includes('/bench/')) return 'bench harness';
  if (url.includes('pglite') || url.startsWith('wasm') || url.includes('drizzle') || url.includes('pg-boss')) {
    return 'store (PGlite), background';
  }
  if (url.startsWith('node:')) return 'other Node internals';
  return name.startsWith('(') ? name : 'other native / VM';
}

const byFunction = new Map<string, number>();
const byGroup = new Map<string, number>();
const byArea = new Map<string, number>();
for (const [id, us] of selfMicros) {
  const { callFrame: f } = byId.get(id)!;
  const name = `${f.functionName || '(anonymous)'}  ${where(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  const g = f.url ? group(f.url) : f.functionName.startsWith('(') ? f.functionName : '(native / VM)';
  byGroup.set(g, (byGroup.get(g) ?? 0) + us);
  const a = area(f);
  byArea.set(a, (byArea.get(a) ?? 0) + us);
}

const print = (title: string, entries: Map<string, number>, n: number) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
};

// Inclusive (self + callees) time of the functions whose script matches --inclusive: which of our
// functions the time is spent under, as far as synchronous call stacks tell.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
const inclusive = new Map<string, number>();
for (const [id, us] of selfMicros) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { callFrame: f } = byId.get(at)!;
    if (!f.url.includes(values.inclusive)) continue;
    const name = `${f.functionName || '(anonymous)'}  ${where(f.url)}:${f.lineNumber + 1}`;
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
}

console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
print(`Top ${top} functions by self time`, byFunction, top);
print('Self time by package / source folder', byGroup, 25);
print(`Inclusive time of functions in scripts matching "${values.inclusive}"`, inclusive, top);

if (values.requests) {
  const requests = Number(values.requests);
  if (!Number.isFinite(requests) || requests <= 0) throw new Error(`--requests must be a positive number`);
  byArea.delete('(idle)');
  const busy = [...byArea.values()].reduce((s, x) => s + x, 0);
  console.log(
    `\nSelf time per request by area, over ${requests} requests (idle left out): ${(busy / requests).toFixed(1)} µs`,
  );
  for (const [name, us] of [...byArea].sort((a, b) => b[1] - a[1])) {
    console.log(
      `${(us / requests).toFixed(2).padStart(8)} µs  ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${name}`,
    );
  }
}
