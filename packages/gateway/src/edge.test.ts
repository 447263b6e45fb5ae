import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const NODE_BUILTINS = new Set(builtinModules);
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** True for `node:*` and for bare names of Node's built-in modules (`fs`, `fs/promises`, `stream/web`...). */
function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0]!);
}

/**
 * Bundles an entry the way a Workers build (wrangler) resolves it, and returns every import of a Node
 * built-in, as `specifier ← importer`. Imports are recorded when esbuild resolves them, before tree
 * shaking, because that is when a Workers build without `nodejs_compat` fails on them.
 */
async function nodeBuiltinImports(entry: string): Promise<string[]> {
  const found: string[] = [];
  const recordBuiltins: Plugin = {
    name: 'record-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isNodeBuiltin(args.path)) return undefined;
        found.push(`${args.path} ← ${args.importer.replace(root, '')}`);
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    // Wrangler's defaults: platform `browser` (so package.json `browser` maps apply, e.g. liquidjs's
    // browser build) with the Workers conditions.
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser', '@lendwire/source'],
    logLevel: 'silent',
    plugins: [recordBuiltins],
  });
  expect(result.errors).toEqual([]);
  expect(result.outputFiles[0]!.text.length).toBeGreaterThan(0);
  return [...new Set(found)].sort();
}

describe('edge bundle (Workers: workerd conditions, browser platform as wrangler bundles)', () => {
  it.each(['./app.ts', './index.ts'])('%s pulls in no Node built-in module', async (entry) => {
    const imports = await nodeBuiltinImports(entry);
    expect(imports, `Node built-ins reached from ${entry}:\n  ${imports.join('\n  ')}`).toEqual([]);
  });

  it('the check sees Node built-ins where they belong (the Node entry)', async () => {
    const imports = await nodeBuiltinImports('./node/index.ts');
    expect(imports.some((i) => i.startsWith('node:crypto ← '))).toBe(true);
  });
});
