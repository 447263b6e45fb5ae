import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { rowsOf } from '../services/ledger.js';

/** Which jobs belong to a tenant's test mode: their data carries `accountId` and `livemode`. */
export interface DueWorkScope {
  accountId: string;
  livemode: boolean;
}

/**
 * Runs a test-mode tenant's jobs that are due by `until` (its advanced test clock) now, and waits
 * until they have finished (completed, failed for good, or back to waiting for a later retry): the
 * work behind `POST /v1/test-helpers/clock/advance`. A job's own delay is wall-clock time in
 * pg-boss; here a job waiting until real time T counts as due when `T <= until`.
 */
export async function runDueJobs(
  db: Db,
  scope: DueWorkScope,
  until: Date,
  options: { schema?: string; timeoutMs?: number } = {},
): Promise<number> {
  let ran = 0;
  // A job that fails again waits for its next retry; if that is due by `until` too, run it as well.
  for (let round = 0; round < 10; round++) {
    const n = await expediteOnce(db, scope, until, options);
    if (n === 0) break;
    ran += n;
  }
  return ran;
}

async function expediteOnce(
  db: Db,
  scope: DueWorkScope,
  until: Date,
  options: { schema?: string; timeoutMs?: number },
): Promise<number> {
  const schema = options.schema ?? 'pgboss';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('bad job schema name');
  const table = sql.raw(`${schema}.job`);
  const expedited = rowsOf<{ id: string }>(
    await db.execute(sql`
      update ${table} set start_after = now()
      where state in ('created', 'retry')
        and data->>'accountId' = ${scope.accountId}
        and (data->>'livemode')::boolean = ${scope.livemode}
        and start_after <= ${until.toISOString()}::timestamptz
      returning id`),
  ).map((r) => r.id);
  if (expedited.length === 0) return 0;
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    const [pending] = rowsOf<{ n: number | string }>(
      await db.execute(sql`
        select count(*) as n from ${table}
        where id::text in (${sql.join(
          expedited.map((id) => sql`${id}`),
          sql`, `,
        )}) and (state = 'active' or (state in ('created', 'retry') and start_after <= now()))`),
    );
    if (Number(pending?.n ?? 0) === 0) return expedited.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Due work of ${scope.accountId} did not finish within ${options.timeoutMs ?? 20_000} ms`);
}
