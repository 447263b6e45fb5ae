/// <reference types="node" />
// Helpers of the runtime and quickstart tests: they run the BUILT SDK in child processes against a
// real gateway started in the test process.
import { execFile, execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../gateway/src/config.js';
import { type RunningGateway, startGateway } from '../../../gateway/src/node/index.js';

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

/** A gateway on an in-memory store, listening on a free port, with its freshly generated root key. */
export interface LiveGateway {
  url: string;
  rootKey: string;
  close(): Promise<void>;
}

/** Starts the real Node gateway (`startGateway`) on 127.0.0.1 and a free port, with logs off. */
export async function startLiveGateway(): Promise<LiveGateway> {
  const running: RunningGateway = await startGateway(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', LENDWIRE_DATA_DIR: ':memory:', LENDWIRE_LOG_LEVEL: 'silent' }),
  );
  const rootKey = running.rootKey.generatedSecret;
  if (!rootKey) throw new Error('expected the in-memory gateway to generate a root key');
  return { url: running.url, rootKey, close: () => running.close() };
}

/** What a finished child process printed. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without blocking the event loop (the gateway it talks to lives in this process).
 * Never rejects: a non-zero exit comes back in `code` so the assertion can show stdout and stderr.
 */
export function run(
  file: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        // NODE_OPTIONS could carry a loader or `--conditions=@lendwire/source`: the child must load the build.
        env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', ...options.env },
        timeout: options.timeoutMs ?? 20_000,
        maxBuffer: 10 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: error && !stderr ? String(error) : stderr });
      },
    );
  });
}

/**
 * Whether a runtime binary from `node_modules/.bin` starts here: `undefined` when it does, else the
 * reason it cannot, for the test to print before it skips.
 */
export function unavailableReason(name: string, hint: string): string | undefined {
  const bin = join(BIN_DIR, name);
  if (!existsSync(bin)) return `${name} is not installed (${bin} missing): run pnpm install`;
  const probe = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.status === 0) return undefined;
  const why = (probe.stderr || probe.stdout || String(probe.error ?? '')).trim().split('\n')[0];
  return `${name} --version failed (${why}); ${hint}`;
}

/** Parses the `SMOKE_RESULT {...}` line a smoke run prints. */
export function smokeResult(stdout: string): any {
  const line = stdout.split('\n').find((l) => l.startsWith('SMOKE_RESULT '));
  if (!line) throw new Error(`no SMOKE_RESULT line in output:\n${stdout}`);
  return JSON.parse(line.slice('SMOKE_RESULT '.length));
}
