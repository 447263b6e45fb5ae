import type { Db, Enqueue } from '@lendwire/core/domain';
import { sql } from 'drizzle-orm';
import { type DrizzleTransactionLike, fromDrizzle, PgBoss } from 'pg-boss';

/**
 * Enqueues jobs from a Worker with pg-boss's own `send()` (the statement the Node queue uses), in the
 * caller's transaction, without `start()`: starting needs timers and Node process APIs workerd lacks,
 * and a Worker only writes jobs, which `lendwire worker`s (Node) work. The queues must exist:
 * `lendwire migrate` creates them.
 *
 * A pg-boss instance is made per job over the transaction itself, so its queue lookup runs on the
 * transaction's connection too (no second connection, no instance outliving the request).
 */
export function sendOnlyEnqueue(options: { schema?: string } = {}): Enqueue {
  const schema = options.schema ?? 'pgboss';
  return async (tx: Db, name, data, jobOptions) => {
    const db = fromDrizzle(tx as DrizzleTransactionLike, sql);
    const boss = new PgBoss({ db, schema });
    return boss.send(name, data, jobOptions?.startAfter ? { startAfter: jobOptions.startAfter } : {});
  };
}
