/**
 * `pnpm bench:sdk-size`: what `@lendwire/sdk` adds to a browser bundle, against the openai and stripe
 * SDKs measured the same way in the same run.
 *
 * Each entry constructs one client (so nothing is tree-shaken away that a real app would keep) and is
 * bundled by esbuild: ESM, minified, platform `browser`, every dependency inlined. The output is
 * gzipped with node:zlib at level 9. `@lendwire/sdk` resolves to the BUILT `packages/sdk/dist/index.js`
 * (built first when missing or older than `src`); openai and stripe come from the sdk package's
 * devDependencies. 1 kB = 1000 bytes.
 *
 * Not part of `pnpm test`: it exits 0 whatever the figures, unless `--check` is given, in which case it
 * exits 1 when the SDK is above the goal.
 *
 * Options (after `--`): --check   fail when above the goal
 *                       --top N   largest inputs of the SDK bundle to list (default 8)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { ensureSdkBuilt, SDK_DIR, SDK_DIST_ENTRY } from '../packages/sdk/test/runtimes/build.js';

const GOAL_GZIP_BYTES = 16_000;

const { values: args } = parseArgs({
  options: { check: { type: 'boolean', default: false }, top: { type: 'string', default: '8' } },
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
});

interface Target {
  name: string;
  entry: string;
}

const TARGETS: Target[] = [
  {
    name: '@lendwire/sdk',
    entry: `import { Lendwire } from '@lendwire/sdk';\nexport const c = new Lendwire({ apiKey: 'lw_test_x' });`,
  },
  {
    name: 'openai',
    entry: `import OpenAI from 'openai';\nexport const c = new OpenAI({ apiKey: 'x', dangerouslyAllowBrowser: true });`,
  },
  { name: 'stripe', entry: `import Stripe from 'stripe';\nexport const c = new Stripe('sk_test_x');` },
];

interface Measured {
  name: string;
  version: string;
  minifiedBytes: number;
  gzipBytes: number;
  metafile: Metafile;
}

// `@lendwire/sdk` from inside packages/sdk is a self-reference; pin it to the build so a source
// condition or tsconfig setting can never make this measure `src`.
const builtSdk: Plugin = {
  name: 'built-sdk',
  setup(b) {
    b.onResolve({ filter: /^@lendwire\/sdk$/ }, () => ({ path: SDK_DIST_ENTRY }));
  },
};

function versionOf(name: string): string {
  if (name === '@lendwire/sdk') return `${readJson(join(SDK_DIR, 'package.json')).version} (workspace)`;
  return readJson(join(SDK_DIR, 'node_modules', name, 'package.json')).version;
}

function readJson(path: string): { version: string } {
  return JSON.parse(readFileSync(path, 'utf8'));
}

async function measure(target: Target): Promise<Measured> {
  const result = await build({
    stdin: { contents: target.entry, resolveDir: SDK_DIR, loader: 'js', sourcefile: 'entry.js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [builtSdk],
  });
  const code = result.outputFiles[0]!.contents;
  return {
    name: target.name,
    version: versionOf(target.name),
    minifiedBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    metafile: result.metafile,
  };
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

/** Bytes each package (or the SDK's own files) contributes to the minified output. */
function contributions(metafile: Metafile): [string, number][] {
  const output = Object.values(metafile.outputs)[0]!;
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const match = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/);
    if (path.endsWith('entry.js')) continue;
    const key = match ? match[1]! : path.includes('packages/sdk/dist/') ? '@lendwire/sdk (dist)' : path;
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]);
}

ensureSdkBuilt();
const results: Measured[] = [];
for (const target of TARGETS) results.push(await measure(target));
const [sdk, ...baselines] = results as [Measured, ...Measured[]];

const sdkInputs = Object.keys(sdk.metafile.inputs);
if (!sdkInputs.some((p) => p.endsWith('packages/sdk/dist/index.js'))) {
  throw new Error(`@lendwire/sdk did not resolve to its build; inputs: ${sdkInputs.join(', ')}`);
}

console.log('\nBrowser bundle of one constructed client (esbuild, ESM, minified; gzip level 9)\n');
console.log(
  `${'package'.padEnd(16)}${'version'.padEnd(20)}${'minified'.padStart(12)}${'gzip'.padStart(12)}${'gzip vs sdk'.padStart(14)}`,
);
for (const r of results) {
  console.log(
    `${r.name.padEnd(16)}${r.version.padEnd(20)}${kB(r.minifiedBytes).padStart(12)}${kB(r.gzipBytes).padStart(12)}${`${(r.gzipBytes / sdk.gzipBytes).toFixed(2)}×`.padStart(14)}`,
  );
}

console.log('');
for (const b of baselines) {
  console.log(
    `@lendwire/sdk is ${((sdk.gzipBytes / b.gzipBytes) * 100).toFixed(0)}% of ${b.name} gzipped (${(b.gzipBytes / sdk.gzipBytes).toFixed(1)}× smaller)`,
  );
}

console.log('\nWhat the @lendwire/sdk bundle is made of (minified bytes before gzip):');
const top = Number(args.top);
for (const [name, bytes] of contributions(sdk.metafile).slice(0, Number.isFinite(top) ? top : 8)) {
  console.log(`  ${name.padEnd(28)}${kB(bytes).padStart(10)}  ${((bytes / sdk.minifiedBytes) * 100).toFixed(0)}%`);
}

const pass = sdk.gzipBytes <= GOAL_GZIP_BYTES;
console.log(
  `\nGoal: @lendwire/sdk ≤ ${kB(GOAL_GZIP_BYTES)} gzip → ${pass ? 'PASS' : 'ABOVE'} (${kB(sdk.gzipBytes)}, ${sdk.gzipBytes} bytes)`,
);
if (args.check && !pass) process.exitCode = 1;
