import postgres from 'postgres';

/** An empty database on the Postgres server under test, dropped by `drop()`. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database on `LENDWIRE_TEST_DATABASE_URL`'s server for a deployment to prepare its
 * own way (`lendwire migrate`, or `startGateway`'s migrations), unlike `openTestStore`, which opens it too.
 */
export async function createTestDatabase(prefix = 'lw_test'): Promise<TestDatabase> {
  const serverUrl = process.env.LENDWIRE_TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('createTestDatabase needs LENDWIRE_TEST_DATABASE_URL');
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      try {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/**
 * Why the Postgres-backed deployment suites cannot run here, or undefined when they can: they need
 * the `postgres` vitest project (a real server) and a Redis for the limiter.
 */
export function deploymentSuiteSkipReason(): string | undefined {
  if (process.env.LENDWIRE_TEST_STORE !== 'postgres') {
    return 'it runs in the postgres project only (the deployments it compares, Node and the Worker, share a Postgres server; a Worker cannot reach embedded PGlite)';
  }
  if (!process.env.LENDWIRE_TEST_DATABASE_URL) return 'LENDWIRE_TEST_DATABASE_URL is not set';
  if (!process.env.LENDWIRE_TEST_REDIS_URL) return 'LENDWIRE_TEST_REDIS_URL is not set (the rate limiter needs Redis)';
  return undefined;
}
