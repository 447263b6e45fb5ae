import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testStoreKind } from '../../../core/test/support.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const embedded = testStoreKind() === 'pglite';
if (!embedded) console.log('[lendwire] skipping the root-key printing tests: they start the CLI on the embedded store');

/** A well-formed key anywhere in the text (prefix, then 36 characters). */
const ANY_KEY = /lw_(test|live)_[A-Za-z0-9]{36}/;

const tmpDirs: string[] = [];
afterAll(() => {
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `lendwire start` from source in a child process (its stdout is a pipe, as when production sends
 * it to the logs), waits for the listening line, stops it with SIGTERM and returns all it printed.
 */
function startAndStop(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(PORT|HOST|DATABASE_URL|REDIS_URL|UPSTASH_|LENDWIRE_)/.test(k)),
  );
  const child = spawn(
    process.execPath,
    ['--conditions=@lendwire/source', '--import', 'tsx', 'packages/gateway/src/cli.ts', 'start'],
    { cwd: repoRoot, env: { ...inherited, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    if (stdout.includes('Lendwire gateway on')) child.kill('SIGTERM');
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!embedded)('`lendwire start` with stdout not a terminal (as in production, into the logs)', () => {
  // Each run loads the CLI from source and opens PGlite: seconds, more on a busy machine.
  it('does not print a freshly generated root key, and says which file holds it', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lendwire-root-key-print-'));
    tmpDirs.push(dir);
    const run = await startAndStop({ LENDWIRE_DATA_DIR: dir });
    expect(run.stdout, run.stderr).toContain('Lendwire gateway on');
    const file = join(dir, 'root-key');
    const secret = readFileSync(file, 'utf8').trim();
    expect(secret).toMatch(ANY_KEY);
    expect(run.stdout).not.toContain(secret);
    expect(run.stdout).not.toMatch(ANY_KEY);
    expect(run.stderr).not.toMatch(ANY_KEY);
    expect(run.stdout).toContain(`Root key generated and kept in ${file} (mode 0600)`);
    expect(run.stdout).toContain('not printed because stdout is not a terminal');
    // The hint reads the key from the file, never spells it out.
    expect(run.stdout).toContain(`Authorization: Bearer $(cat ${file})`);
    expect(run.code).toBe(0);
  });

  it('with an in-memory store, says the key was not shown and to set LENDWIRE_ROOT_KEY', {
    timeout: 60_000,
  }, async () => {
    const run = await startAndStop({ LENDWIRE_DATA_DIR: ':memory:' });
    expect(run.stdout, run.stderr).toContain('Lendwire gateway on');
    expect(run.stdout).not.toMatch(ANY_KEY);
    expect(run.stderr).not.toMatch(ANY_KEY);
    expect(run.stdout).toContain('Root key generated but not shown: stdout is not a terminal');
    expect(run.stdout).toContain('Set LENDWIRE_ROOT_KEY');
    expect(run.stdout).toContain('lendwire keys generate');
    expect(run.code).toBe(0);
  });
});
