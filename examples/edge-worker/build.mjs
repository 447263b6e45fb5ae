// Bundles the Worker with esbuild the way `wrangler deploy` does (platform `browser` with the
// `workerd`/`worker`/`browser` conditions, ESM, Node built-ins left to the runtime's nodejs_compat),
// into dist/worker.js. `pnpm build` runs it; the
// gateway's workerd suite bundles the same way from source and runs the result in Miniflare.
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * CommonJS dependencies (pg, which pg-boss loads) `require()` Node built-ins; an ESM bundle has no
 * `require`, so one is made from nodejs_compat's `node:module` (workerd has no file URL to resolve
 * from, and built-ins need none). Wrangler does the equivalent itself.
 */
export const REQUIRE_BANNER =
  "import { createRequire as __lendwireCreateRequire } from 'node:module'; const require = __lendwireCreateRequire('/');";

/**
 * Bundles `entry` into `outfile` for workerd.
 * @param {{ entry?: string, outfile?: string, conditions?: string[], minify?: boolean }} [options]
 *   `conditions` are added to the Workers ones (the tests add `@lendwire/source` to build from source).
 * @returns {Promise<{ outfile: string, bytes: number, inputs: string[] }>}
 */
export async function bundleWorker(options = {}) {
  const entry = options.entry ?? fileURLToPath(new URL('./src/index.ts', import.meta.url));
  const outfile = options.outfile ?? fileURLToPath(new URL('./dist/worker.js', import.meta.url));
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2023',
    conditions: ['workerd', 'worker', 'browser', ...(options.conditions ?? [])],
    external: ['cloudflare:*', 'node:*', ...builtinModules],
    banner: { js: REQUIRE_BANNER },
    minify: options.minify ?? true,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  const output = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('.js'));
  return { outfile, bytes: output?.[1].bytes ?? 0, inputs: Object.keys(result.metafile.inputs) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { outfile, bytes } = await bundleWorker();
  console.log(`${outfile}: ${(bytes / 1024).toFixed(0)} KiB`);
}
