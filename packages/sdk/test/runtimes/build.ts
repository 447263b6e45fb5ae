/// <reference types="node" />
// Builds the SDK for the tests and benchmarks that must run the BUILT package (no source condition).
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `packages/sdk`. */
export const SDK_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** The repository root. */
export const REPO_ROOT = join(SDK_DIR, '..', '..');
/** The built entry every runtime must load. */
export const SDK_DIST_ENTRY = join(SDK_DIR, 'dist', 'index.js');
/** `packages/sdk/node_modules/.bin`, where the runtimes installed from npm live. */
export const BIN_DIR = join(SDK_DIR, 'node_modules', '.bin');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function distIsStale(): boolean {
  const types = join(SDK_DIR, 'dist', 'index.d.ts');
  if (!existsSync(SDK_DIST_ENTRY) || !existsSync(types)) return true;
  return newestMtime(join(SDK_DIR, 'src')) > statSync(SDK_DIST_ENTRY).mtimeMs;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds `@lendwire/contract` and `@lendwire/sdk` when `dist` is missing or older than `src`. Test
 * files run in parallel workers, so a lock directory keeps two of them from building (and cleaning
 * `dist`) at once; a lock older than two minutes is taken to be left over from a killed run.
 */
export function ensureSdkBuilt(): void {
  if (!distIsStale()) return;
  const lock = join(SDK_DIR, 'node_modules', '.cache', 'lendwire-sdk-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(lock, { recursive: true, force: true });
      else sleepSync(200);
    }
  }
  try {
    if (distIsStale()) {
      execSync('pnpm --filter @lendwire/contract build && pnpm --filter @lendwire/sdk build', {
        cwd: REPO_ROOT,
        stdio: 'pipe',
      });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
