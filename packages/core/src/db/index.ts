import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.js';

/** The Drizzle database every service runs on: PGlite (embedded) or postgres.js (server). */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Options of {@link createDb}. */
export interface CreateDbOptions {
  /** `postgres://…` to use a Postgres server; when absent, the embedded PGlite store is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory, or `:memory:`. Default `.lendwire/` (or `LENDWIRE_DATA_DIR`). */
  dataDir?: string | undefined;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** Maximum connections of the postgres.js pool (default 10). */
  maxConnections?: number;
}

/** An open database with the way to close it. */
export interface DbHandle {
  db: Db;
  /** `pglite` or `postgres`. */
  kind: 'pglite' | 'postgres';
  /**
   * The PGlite instance under `db` (embedded store only). Libraries that bring their own adapter, such
   * as pg-boss, must share it: PGlite is one connection, and a second instance on the same data would
   * lose writes.
   */
  pglite?: PGlite;
  /** The server's URL (Postgres only), for libraries that open their own pool, such as pg-boss. */
  databaseUrl?: string;
  /** Runs a trivial query; used by `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

function resolveMigrationsFolder(): string {
  // From src/db/index.ts and from dist/index.js the migrations sit in the package's drizzle/ folder.
  const here = new URL('.', import.meta.url);
  const up = here.pathname.includes('/src/db/') ? '../../drizzle' : '../drizzle';
  return fileURLToPath(new URL(up, here));
}

/**
 * Opens the store: postgres.js when `databaseUrl` is given, otherwise embedded PGlite in `dataDir`
 * (created if missing). Applies migrations unless `migrate: false`.
 */
export async function createDb(options: CreateDbOptions = {}): Promise<DbHandle> {
  const migrate = options.migrate ?? true;
  const folder = resolveMigrationsFolder();
  if (options.databaseUrl) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const client = postgres(options.databaseUrl, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
    });
    const db = drizzle({ client, schema }) as unknown as Db;
    if (migrate) {
      const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
      // Several gateway processes may start at once: a session advisory lock held on a reserved
      // connection serialises their migrations.
      const lock = await client.reserve();
      try {
        await lock`select pg_advisory_lock(7385019)`;
        await run(db as never, { migrationsFolder: folder });
      } finally {
        await lock`select pg_advisory_unlock(7385019)`;
        lock.release();
      }
    }
    return {
      db,
      kind: 'postgres',
      databaseUrl: options.databaseUrl,
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dataDir = options.dataDir ?? '.lendwire';
  let client: InstanceType<typeof PGlite>;
  let unlock = () => {};
  if (dataDir === ':memory:') client = new PGlite();
  else {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
    client = new PGlite(`${dataDir.replace(/\/$/, '')}/pgdata`);
  }
  await client.waitReady;
  const db = drizzle({ client, schema }) as unknown as Db;
  if (migrate) {
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    await run(drizzle({ client, schema }), { migrationsFolder: folder });
  }
  return {
    db,
    kind: 'pglite',
    pglite: client,
    ping: async () => {
      await client.query('select 1');
    },
    close: async () => {
      await client.close();
      unlock();
    },
  };
}

/** Thrown when another live process has the embedded store open. */
export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded store in ${dataDir} is in use by process ${pid} (a running gateway?). PGlite serves one process: stop it first, or use DATABASE_URL to share a Postgres server.`,
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is single-process: a second process writing the same data directory would lose writes.
 * A pid lock file refuses that, a second open in the same process included (a stale lock of a dead
 * process is taken over).
 */
function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir.replace(/\/$/, '')}/lendwire.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new DataDirLockedError(dataDir, pid);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${file}`);
}
