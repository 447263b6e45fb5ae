import {
  createDb,
  createSecretBox,
  createServices,
  type DbHandle,
  generateEncryptionKey,
  parseEncryptionKey,
  type Services,
} from '../src/index.js';

/** A fresh encryption key per store, as the embedded default generates one per data dir. */
const secretBox = () => createSecretBox(parseEncryptionKey(generateEncryptionKey()));

/** A store for one test file: PGlite in memory, or a fresh database on the Postgres server under test. */
export interface TestStore {
  handle: DbHandle;
  services: Services;
  clock: TestClock;
  close(): Promise<void>;
}

/** A clock tests move by hand. */
export interface TestClock {
  now: () => Date;
  set(d: Date | number): void;
  advance(ms: number): void;
}

/** Creates a clock that starts at `start` (default: real now, truncated to the second). */
export function createTestClock(start: number = Math.floor(Date.now() / 1000) * 1000): TestClock {
  let t = start;
  return {
    now: () => new Date(t),
    set: (d) => {
      t = typeof d === 'number' ? d : d.getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Which store the current test run uses (`LENDWIRE_TEST_STORE`, set per vitest project). */
export function testStoreKind(): 'pglite' | 'postgres' {
  return process.env.LENDWIRE_TEST_STORE === 'postgres' ? 'postgres' : 'pglite';
}

/**
 * Opens an isolated store. On Postgres each call creates its own database (dropped on close), so
 * test files never see each other's rows.
 */
export async function openTestStore(
  options: {
    clock?: TestClock;
    /** Passed to the services (e.g. `{ allowPrivateNetworks: true }` for tests with a local webhook receiver). */
    webhooks?: Services['ctx']['webhooks'];
  } = {},
): Promise<TestStore> {
  const clock = options.clock ?? createTestClock();
  const webhooks = options.webhooks;
  if (testStoreKind() === 'postgres') {
    const url = process.env.LENDWIRE_TEST_DATABASE_URL;
    if (!url) throw new Error('LENDWIRE_TEST_STORE=postgres needs LENDWIRE_TEST_DATABASE_URL');
    const { default: postgres } = await import('postgres');
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    const name = `lw_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    await admin.unsafe(`create database ${name}`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    const handle = await createDb({ databaseUrl: dbUrl.toString(), maxConnections: 5 });
    return {
      handle,
      services: createServices({ db: handle.db, now: clock.now, secretBox: secretBox(), webhooks }),
      clock,
      close: async () => {
        await handle.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const handle = await createDb({ dataDir: ':memory:' });
  return {
    handle,
    services: createServices({ db: handle.db, now: clock.now, secretBox: secretBox(), webhooks }),
    clock,
    close: () => handle.close(),
  };
}
