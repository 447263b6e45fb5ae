/// <reference types="node" />
// Helpers of the runtime and quickstart tests: they run the BUILT SDK in child processes against a
// real gateway started in the test process.
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../gateway/src/config.js';
import { type RunningGateway, startGateway } from '../../../gateway/src/node/index.js';

import { BIN_DIR, REPO_ROOT } from './build.js';

export { BIN_DIR, ensureSdkBuilt, REPO_ROOT, SDK_DIR, SDK_DIST_ENTRY } from './build.js';

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

/** An example of `examples/` ready to run: its directory, and what to remove afterwards. */
export interface ExampleDir {
  dir: string;
  cleanup(): void;
}

/**
 * The directory to run `examples/<name>` from. When `pnpm install` has linked `@lendwire/<pkg>` into
 * the example it is the example itself; until then, a temporary copy of its `index.mjs` and
 * `package.json` next to a link to `packageDir`: the same code on the same build.
 */
export function exampleDir(name: string, pkg: string, packageDir: string): ExampleDir {
  const dir = join(REPO_ROOT, 'examples', name);
  if (existsSync(join(dir, 'node_modules', '@lendwire', pkg, 'package.json'))) return { dir, cleanup: () => {} };
  console.warn(
    `[${name}] examples/${name} has no node_modules/@lendwire/${pkg} link (run pnpm install); running a copy linked to ${packageDir}`,
  );
  const scratch = mkdtempSync(join(tmpdir(), `lendwire-${name}-`));
  cpSync(join(dir, 'index.mjs'), join(scratch, 'index.mjs'));
  cpSync(join(dir, 'package.json'), join(scratch, 'package.json'));
  mkdirSync(join(scratch, 'node_modules', '@lendwire'), { recursive: true });
  symlinkSync(packageDir, join(scratch, 'node_modules', '@lendwire', pkg), 'dir');
  return { dir: scratch, cleanup: () => rmSync(scratch, { recursive: true, force: true }) };
}
