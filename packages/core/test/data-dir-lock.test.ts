import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, DataDirLockedError, type DbHandle } from '../src/index.js';

const dirs: string[] = [];
const handles: DbHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close().catch(() => {})));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lw-lock-'));
  dirs.push(dir);
  return dir;
}

describe('embedded store lock (PGlite serves one process)', () => {
  it('refuses a second open of a data directory in use, and frees it on close', async () => {
    const dir = tempDir();
    const first = await createDb({ dataDir: dir });
    expect(readFileSync(join(dir, 'lendwire.lock'), 'utf8')).toBe(String(process.pid));
    await expect(createDb({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(createDb({ dataDir: dir })).rejects.toThrow(/in use by process \d+/);
    await first.close();
    const second = await createDb({ dataDir: dir });
    handles.push(second);
    await expect(second.ping()).resolves.toBeUndefined();
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const dir = tempDir();
    // Far above any pid the kernel hands out here (pid_max is at most 4194304).
    writeFileSync(join(dir, 'lendwire.lock'), '99999999');
    const db = await createDb({ dataDir: dir });
    handles.push(db);
    expect(readFileSync(join(dir, 'lendwire.lock'), 'utf8')).toBe(String(process.pid));
  });
});
