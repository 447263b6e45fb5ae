import { type Db, schema } from '@lendwire/core/domain';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

/** A request's own connection to Postgres. */
export interface RequestDatabase {
  db: Db;
  /** Runs `select 1` (for `/readyz`). */
  ping(): Promise<void>;
  /** Waits for running queries, then closes the connections. */
  close(): Promise<void>;
}

/**
 * Opens a postgres.js client with Drizzle's postgres-js driver over `url`, for one request.
 *
 * On workerd a socket belongs to the request that opened it: a client kept for the next request
 * fails there ("Cannot perform I/O on behalf of a different request"). So each request gets its own,
 * closed once the request's work is done; in production Hyperdrive keeps the pool near the database,
 * so a new client costs a connection to Hyperdrive, not to Postgres. Several connections (up to 4)
 * so a query outside a transaction (a job's queue lookup, say) never waits for the transaction's.
 */
export function openRequestDatabase(url: string): RequestDatabase {
  const client = postgres(url, {
    max: 4,
    // No NOTICE logging per connection; errors still throw.
    onnotice: () => {},
    connect_timeout: 10,
  });
  const db = drizzle({ client, schema }) as unknown as Db;
  return {
    db,
    ping: async () => {
      await client`select 1`;
    },
    close: () => client.end({ timeout: 5 }),
  };
}
