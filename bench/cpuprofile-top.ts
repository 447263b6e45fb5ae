/**
 * `pnpm bench:profile <file.cpuprofile> [--top 30] [--inclusive packages/]`: the functions with the
 * most self time in a V8 CPU profile (as written by `node --cpu-prof` or `pnpm bench:gateway -- --cpu-prof b`),
 * the same grouped by package or source folder, and the inclusive time of the functions whose script
 * path contains `--inclusive` (default: the workspace packages), so hot spots can be read without a browser.
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
  options: { top: { type: 'string', default: '30' }, inclusive: { type: 'string', default: 'packages/' } },
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

const byFunction = new Map<string, number>();
const byGroup = new Map<string, number>();
for (const [id, us] of selfMicros) {
  const { callFrame: f } = byId.get(id)!;
  const name = `${f.functionName || '(anonymous)'}  ${where(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  const g = f.url ? group(f.url) : f.functionName.startsWith('(') ? f.functionName : '(native / VM)';
  byGroup.set(g, (byGroup.get(g) ?? 0) + us);
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
