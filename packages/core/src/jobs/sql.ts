// Every statement the job module runs against pg-boss's tables itself, one pure function each. The
// rest goes through pg-boss's API. These read `job` and `queue`, whose shape pg-boss has kept since
// 10.0; the jobs tests exercise them on both stores.

/** pg-boss's own queues (cron's `__pgboss__send-it`) are not ours to report. */
const OWN_QUEUES = `left(q.name, 10) <> '__pgboss__'`;

/** Jobs per queue and state, one row per pair; a queue without jobs gives one row with a null state. */
export function countJobsByState(schema: string): string {
  return `
    select q.name, j.state::text as state, count(j.id)::int as count
    from ${schema}.queue q
    left join ${schema}.job j on j.name = q.name
    where ${OWN_QUEUES}
    group by q.name, j.state
    order by q.name`;
}

/** The newest failed jobs, `$1` of them. */
export function listFailedJobs(schema: string): string {
  return `
    select id, name, data, retry_count as "retryCount", output,
      created_on as "createdOn", completed_on as "completedOn"
    from ${schema}.job
    where state = 'failed'
    order by completed_on desc nulls last, created_on desc
    limit $1`;
}

/** Only plain lower-case identifiers are interpolated into the statements above. */
export function assertSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`Job schema must be a lower-case SQL identifier, got ${JSON.stringify(schema)}`);
  }
  return schema;
}
