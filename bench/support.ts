/**
 * Pieces the Postgres benchmarks share (`bench/ledger.ts`, `bench/collections.ts`,
 * `bench/webhooks.ts`): option parsing, the postgres.js client under a Drizzle handle, error and URL
 * printing, quantiles, and counting the statements the services send.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type Db, type DbHandle, schema } from '../packages/core/src/index.js';

/** The Postgres server the benchmarks use unless `LENDWIRE_TEST_DATABASE_URL` says otherwise. */
export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A run whose checks failed: its figures are not reported as valid. */
export class InvalidRun extends Error {}

/** `--name value` as a positive integer, or a message naming the option. */
export function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got ${value})`);
  return n;
}

/** The driver under the Drizzle handle (drizzle sets `$client`): postgres.js here. */
export interface PostgresJsClient {
  unsafe(query: string, params?: unknown[], options?: { prepare?: boolean }): Promise<Record<string, unknown>[]>;
  begin<T>(fn: (tx: PostgresJsClient) => Promise<T>): Promise<T>;
}

/** The postgres.js client of a handle opened with `DATABASE_URL`. */
export const clientOf = (handle: DbHandle) => (handle.db as unknown as { $client: PostgresJsClient }).$client;

/** The innermost cause of an error, with its SQLSTATE: Drizzle's own message repeats the whole query. */
export function describeError(error: unknown): string {
  let e = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && !e.message.includes(code) ? `${code} ${e.message}` : e.message;
}

/** A database URL fit to print: the password masked. */
export function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** An integer with thousands separators. */
export const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** The q-quantile of sorted xs (linear interpolation). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo]! + (sorted[Math.ceil(at)]! - sorted[lo]!) * (at - lo);
}

/**
 * Counts the statements Drizzle sends, by their text (whitespace collapsed), through Drizzle's
 * logger hook: a map increment per statement, nothing next to a round trip to the server.
 */
export function statementCounter() {
  const counts = new Map<string, number>();
  return {
    counts,
    logger: {
      logQuery(query: string) {
        counts.set(query, (counts.get(query) ?? 0) + 1);
      },
    },
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => counts.clear(),
  };
}
/** A {@link statementCounter}. */
export type StatementCounter = ReturnType<typeof statementCounter>;

/**
 * A Drizzle handle over the same postgres.js pool as `handle`, with a logger. `createDb` has no
 * logger option, and drizzle-orm is a dependency of core, not of the repo root, so it is loaded from
 * core's own copy (the ESM build, the very module core imports).
 */
export async function loggedDb(handle: DbHandle, counter: StatementCounter): Promise<Db> {
  const requireFromCore = createRequire(new URL('../packages/core/package.json', import.meta.url));
  const entry = requireFromCore.resolve('drizzle-orm/postgres-js').replace(/\.cjs$/, '.js');
  const { drizzle } = (await import(pathToFileURL(entry).href)) as {
    drizzle: (config: { client: unknown; schema: unknown; logger: StatementCounter['logger'] }) => unknown;
  };
  return drizzle({ client: clientOf(handle), schema, logger: counter.logger }) as Db;
}
