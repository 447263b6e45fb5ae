import { sql } from 'drizzle-orm';
import { type Queue as BossQueue, type DrizzleTransactionLike, fromDrizzle, fromPglite, PgBoss } from 'pg-boss';
import type { Db, DbHandle } from '../db/index.js';
import { assertSchemaName, countJobsByState, listFailedJobs } from './sql.js';

/** The states a job moves through, as pg-boss stores them. */
export const JOB_STATES = ['created', 'retry', 'active', 'completed', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** How a job is retried; set per queue ({@link JobQueue.defineQueue}) and overridable per job. */
export interface RetryOptions {
  /** Retries after the first attempt; past them the job ends `failed`. */
  retryLimit?: number;
  /** Whole seconds before a retry (before the first one, with `retryBackoff`). */
  retryDelay?: number;
  /** Doubles the delay on each retry, with jitter, up to `retryDelayMax`. */
  retryBackoff?: boolean;
  /** Ceiling of a backed-off delay, in seconds. */
  retryDelayMax?: number;
  /**
   * Seconds an attempt may run. Past it the attempt fails (and is retried); it is also how long the
   * job of a worker that died stays `active` before another worker may take it.
   */
  expireInSeconds?: number;
}

/** Options of a queue: defaults of its jobs, and what happens to them afterwards. */
export interface QueueOptions extends RetryOptions {
  /** A queue (defined first) that receives a copy of each job that ends `failed`. */
  deadLetter?: string;
  /** Seconds a completed job is kept before deletion (pg-boss default: 7 days). */
  deleteAfterSeconds?: number;
  /** Seconds a job may wait unstarted before deletion (pg-boss default: 14 days). */
  retentionSeconds?: number;
  /** pg-boss queue policy; `standard` unless a queue must hold one job per `singletonKey`. Fixed at creation. */
  policy?: 'standard' | 'short' | 'singleton' | 'stately' | 'exclusive';
}

/** Options of {@link JobQueue.send}. */
export interface SendOptions extends RetryOptions {
  /** Not before this time, or this many seconds from now. */
  startAfter?: Date | number;
  /** At most one queued job per key (and per state, depending on the queue's policy): a duplicate send returns null. */
  singletonKey?: string;
  /** Higher runs first. */
  priority?: number;
  /**
   * The caller's transaction (`tx` of `db.transaction(async (tx) => …)`): the job is inserted in it, so
   * it exists only if the transaction commits. Required when sending inside a transaction on PGlite,
   * whose single connection the transaction holds: a send without it waits forever.
   */
  db?: Db;
}

/** One attempt of a job, as a handler sees it. */
export interface Job<T = object> {
  id: string;
  name: string;
  data: T;
  /** 0 on the first attempt, 1 on the first retry, … */
  retryCount: number;
  /** Aborted when the attempt expires or the queue stops without waiting. */
  signal: AbortSignal;
}

/** Resolves when the job is done; a throw fails the attempt, which is retried per the job's options. */
export type JobHandler<T = object> = (job: Job<T>) => Promise<void>;

/** Options of {@link JobQueue.work}. */
export interface WorkOptions {
  /** Independent fetch loops in this process (default 1). */
  concurrency?: number;
  /**
   * Jobs claimed per fetch and run side by side (default 5). A full batch is followed by another fetch
   * at once, so a backlog drains at handler speed rather than one batch per polling interval. At most
   * `concurrency × batchSize` jobs run at a time in this process.
   */
  batchSize?: number;
  /** Overrides the queue's polling interval for this worker. */
  pollingIntervalSeconds?: number;
}

/** Jobs of one queue, per state. */
export type QueueJobCounts = { name: string; total: number } & Record<JobState, number>;

/** A job that ended `failed`, for `lendwire jobs`. */
export interface FailedJob {
  id: string;
  name: string;
  data: unknown;
  /** Retries it used. */
  retryCount: number;
  /** The last attempt's error message, when there is one. */
  error: string | null;
  /** The stored failure output (the error's name, message and stack for a throw). */
  output: unknown;
  createdOn: Date;
  completedOn: Date | null;
}

/** Where the queue reports pg-boss errors and warnings and failed attempts; the gateway's `Logger` fits. */
export interface JobLogger {
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Options of {@link createJobQueue}. */
export interface CreateJobQueueOptions {
  /** Schema of pg-boss's tables (default `pgboss`), created on first start. */
  schema?: string;
  /**
   * Seconds between fetches of an idle worker (default 1, at least 0.5). New jobs wake workers at
   * once through LISTEN/NOTIFY; this bounds how late a delayed job or a retry starts.
   */
  pollingIntervalSeconds?: number;
  /** Size of pg-boss's own pool on Postgres (default 4, plus one listening connection). */
  maxConnections?: number;
  /**
   * Seconds between this instance's supervision passes (default 60, pg-boss's; at least 1). A pass
   * fails the attempts that outlived their `expireInSeconds`, such as those of a worker that died,
   * so they are retried: such a job waits up to `expireInSeconds` plus this, plus its retry delay.
   * Any instance on the database may run the pass; the shortest interval among them wins. Sets
   * pg-boss's `superviseIntervalSeconds` and `monitorIntervalSeconds` together (a pass needs both).
   * Short intervals are for tests; each pass also refreshes queue statistics.
   */
  superviseIntervalSeconds?: number;
  /** Default: `console`. */
  logger?: JobLogger;
}

/** Queue name → job data type, to type `send` and `work`. */
export type JobMap = Record<string, object>;

/** Durable background jobs on the store's database (pg-boss): see {@link createJobQueue}. */
export interface JobQueue<Jobs extends JobMap = JobMap> {
  readonly kind: DbHandle['kind'];
  /** The pg-boss instance, for what this interface does not cover. */
  readonly boss: PgBoss;
  /**
   * Declares a queue and its job defaults; `send` and `work` refuse undeclared names. Before `start`
   * it is recorded and applied at start; after, at once. Idempotent, and the options are written over
   * the stored ones each time (except `policy`), so a deploy that changes them takes effect. A
   * `deadLetter` queue must be defined before the queue naming it.
   */
  defineQueue(name: keyof Jobs & string, options?: QueueOptions): Promise<void>;
  /** Installs or migrates pg-boss's schema, creates the declared queues, starts registered workers. Idempotent. */
  start(): Promise<void>;
  /**
   * Stops polling, and (graceful, the default) waits up to `timeoutMs` (default 30 s) for running
   * handlers; jobs still running after that are failed, to be retried. Stop before closing the store.
   */
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
  /**
   * Enqueues a job; resolves to its id, or null when a `singletonKey` already holds the slot. Needs
   * `start` (waits for one in progress).
   */
  send<K extends keyof Jobs & string>(name: K, data: Jobs[K], options?: SendOptions): Promise<string | null>;
  /** Registers a handler for a queue (before or after `start`). */
  work<K extends keyof Jobs & string>(name: K, handler: JobHandler<Jobs[K]>, options?: WorkOptions): Promise<void>;
  /**
   * Jobs per queue in the database (not only those defined here) and state, pg-boss's internal queues
   * left out. Works without `start`, for a CLI; empty before pg-boss was ever started on the database.
   */
  stats(): Promise<QueueJobCounts[]>;
  /** The newest failed jobs (default 20), newest first. Works without `start`, like {@link JobQueue.stats}. */
  failed(limit?: number): Promise<FailedJob[]>;
}

/**
 * Job defaults of every queue unless its definition says otherwise: a few retries spaced out
 * exponentially (5 s, 10 s, 20 s, … up to 10 min), and a 5-minute ceiling per attempt, after which
 * a job held by a dead worker is retried.
 */
export const DEFAULT_QUEUE_OPTIONS = {
  retryLimit: 5,
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 600,
  expireInSeconds: 300,
} as const satisfies QueueOptions;

const DEFAULT_BATCH_SIZE = 5;

const consoleLogger: JobLogger = {
  warn: (msg, fields) => console.warn(`[lendwire jobs] ${msg}`, fields ?? ''),
  error: (msg, fields) => console.error(`[lendwire jobs] ${msg}`, fields ?? ''),
};

interface Registration {
  name: string;
  handler: JobHandler<never>;
  options: WorkOptions;
  registered: boolean;
}

/**
 * Durable jobs in the store's own database, with pg-boss 12. On PGlite it runs in this process on the
 * store's one connection (pg-boss's `fromPglite` adapter; the data-dir lock keeps other processes
 * out); on Postgres it opens a small pool of its own, and any number of processes may work the same
 * queues, each job going to one of them (`FOR UPDATE SKIP LOCKED`).
 *
 * Delivery is at least once: a handler may see a job again after a crash or an expired attempt, so
 * make its effects idempotent (or do them in one transaction with a unique key).
 */
export function createJobQueue<Jobs extends JobMap = JobMap>(
  handle: DbHandle,
  options: CreateJobQueueOptions = {},
): JobQueue<Jobs> {
  const schema = assertSchemaName(options.schema ?? 'pgboss');
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 1;
  const logger = options.logger ?? consoleLogger;
  const supervise = options.superviseIntervalSeconds;
  // pg-boss checks `'key' in options`: leave the keys out for its defaults.
  const common = {
    schema,
    useListenNotify: true,
    ...(supervise === undefined ? {} : { superviseIntervalSeconds: supervise, monitorIntervalSeconds: supervise }),
  } as const;
  let boss: PgBoss;
  if (handle.kind === 'pglite') {
    if (!handle.pglite) throw new Error('createJobQueue: this PGlite store does not expose its instance');
    boss = new PgBoss({ ...common, db: fromPglite(handle.pglite), backend: 'pglite' });
  } else {
    if (!handle.databaseUrl) throw new Error('createJobQueue: this Postgres store does not expose its URL');
    boss = new PgBoss({ ...common, connectionString: handle.databaseUrl, max: options.maxConnections ?? 4 });
  }
  // An 'error' event with no listener would throw out of pg-boss's timers.
  boss.on('error', (error) => logger.error('pg-boss error', { error: error.message, queue: queueOf(error) }));
  boss.on('warning', (warning) => logger.warn(`pg-boss warning: ${warning.message}`, { data: warning.data }));

  const queues = new Map<string, QueueOptions>();
  const registrations: Registration[] = [];
  // 'created' until start() has finished; `starting` is set from the first start() call on.
  let state: 'created' | 'started' | 'stopped' = 'created';
  let starting: Promise<void> | undefined;

  // Reports read through the store's own connection, so a CLI gets them without starting pg-boss
  // (no migration, no maintenance, no instance registered); before pg-boss's first start there are none.
  const reader = fromDrizzle(handle.db as DrizzleTransactionLike, sql);
  const read = async <Row>(text: string, values?: unknown[]): Promise<Row[]> => {
    try {
      return (await reader.executeSql(text, values)).rows;
    } catch (error) {
      if (isUndefinedTable(error)) return [];
      throw error;
    }
  };

  const assertDefined = (name: string) => {
    if (!queues.has(name)) throw new Error(`Job queue "${name}" is not defined: call defineQueue("${name}") first`);
  };
  const assertNotStopped = () => {
    if (state === 'stopped') throw new Error('The job queue is stopped');
  };

  const createQueue = async (name: string, queueOptions: QueueOptions) => {
    const {
      policy = 'standard',
      deadLetter,
      retryDelayMax,
      ...settings
    } = {
      ...DEFAULT_QUEUE_OPTIONS,
      ...withoutUndefined(queueOptions),
    };
    // A new job wakes idle workers at once (NOTIFY, sent on commit) instead of at their next poll.
    const created: Omit<BossQueue, 'name'> = { ...settings, policy, notify: true };
    if (deadLetter) created.deadLetter = deadLetter;
    // pg-boss refuses a ceiling without backoff.
    if (settings.retryBackoff && retryDelayMax !== undefined) created.retryDelayMax = retryDelayMax;
    await boss.createQueue(name, created);
    // createQueue leaves an existing queue as it is; the definition in code is the one that counts
    // (null clears a stored value).
    await boss.updateQueue(name, {
      ...settings,
      notify: true,
      deadLetter: created.deadLetter ?? null,
      retryDelayMax: created.retryDelayMax ?? null,
    });
  };

  const register = async (registration: Registration) => {
    // Once only, whether start() or work() gets there first.
    if (registration.registered) return;
    registration.registered = true;
    const { name, handler, options: work } = registration;
    const interval = work.pollingIntervalSeconds ?? pollingIntervalSeconds;
    await boss.work(
      name,
      {
        batchSize: work.batchSize ?? DEFAULT_BATCH_SIZE,
        localConcurrency: work.concurrency ?? 1,
        // Without burst, a worker waits out its interval after every fetch, even one that came back
        // full: a backlog then drains one batch per interval (PITFALLS: 4 jobs per 30 s).
        burstWhenBatchFull: true,
        pollingIntervalSeconds: interval,
        // NOTIFY wakes a worker for new jobs only; delayed jobs and retries still need the poll.
        notifyPollingIntervalSeconds: interval,
        perJobResults: true,
      } as const,
      async (jobs) =>
        Promise.all(
          jobs.map(async (job) => {
            try {
              await handler({
                id: job.id,
                name: job.name,
                data: job.data as never,
                retryCount: job.retryCount,
                signal: job.signal,
              });
              return { id: job.id, status: 'completed' as const };
            } catch (error) {
              const output = describeError(error);
              logger.warn('job attempt failed', {
                queue: name,
                jobId: job.id,
                retryCount: job.retryCount,
                error: output.message,
              });
              return { id: job.id, status: 'failed' as const, output };
            }
          }),
        ),
    );
  };

  const queue: JobQueue<Jobs> = {
    kind: handle.kind,
    boss,

    async defineQueue(name, queueOptions = {}) {
      assertNotStopped();
      queues.set(name, queueOptions);
      // Defined during start, it may be created twice: harmless, createQueue is idempotent.
      if (starting) {
        await starting;
        await createQueue(name, queueOptions);
      }
    },

    start() {
      assertNotStopped();
      starting ??= (async () => {
        await boss.start();
        for (const [name, queueOptions] of [...queues]) await createQueue(name, queueOptions);
        for (const registration of registrations) await register(registration);
        if (state === 'created') state = 'started';
      })();
      return starting;
    },

    async stop({ graceful = true, timeoutMs = 30_000 } = {}) {
      if (state === 'stopped') return;
      const wasStarting = starting;
      state = 'stopped';
      if (!wasStarting) return;
      await wasStarting.catch(() => {});
      await boss.stop({ graceful, timeout: timeoutMs, close: true });
    },

    async send(name, data, sendOptions = {}) {
      assertDefined(name);
      if (state === 'created' && starting) await starting;
      if (state !== 'started') throw new Error(`The job queue is ${state === 'created' ? 'not started' : 'stopped'}`);
      const { db, ...jobOptions } = withoutUndefined(sendOptions);
      return boss.send(
        name,
        data,
        db ? { ...jobOptions, db: fromDrizzle(db as DrizzleTransactionLike, sql) } : jobOptions,
      );
    },

    async work(name, handler, workOptions = {}) {
      assertNotStopped();
      assertDefined(name);
      const registration: Registration = {
        name,
        handler: handler as JobHandler<never>,
        options: workOptions,
        registered: false,
      };
      registrations.push(registration);
      if (starting) {
        await starting;
        await register(registration);
      }
    },

    async stats() {
      const rows = await read<{ name: string; state: JobState | null; count: number }>(countJobsByState(schema));
      const byQueue = new Map<string, QueueJobCounts>();
      for (const row of rows) {
        let counts = byQueue.get(row.name);
        if (!counts) {
          counts = { name: row.name, total: 0, created: 0, retry: 0, active: 0, completed: 0, failed: 0, cancelled: 0 };
          byQueue.set(row.name, counts);
        }
        if (row.state) {
          counts[row.state] += Number(row.count);
          counts.total += Number(row.count);
        }
      }
      return [...byQueue.values()];
    },

    async failed(limit = 20) {
      const rows = await read<Omit<FailedJob, 'error'>>(listFailedJobs(schema), [limit]);
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        data: row.data,
        retryCount: row.retryCount,
        error: errorMessageOf(row.output),
        output: row.output,
        createdOn: new Date(row.createdOn),
        completedOn: row.completedOn ? new Date(row.completedOn) : null,
      }));
    },
  };
  return queue;
}

/** pg-boss validates `'key' in options`, so a key present with `undefined` fails its checks. */
function withoutUndefined<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as T;
}

function describeError(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

/** Our handlers store `{ message }`; pg-boss stores `{ value }` for a string reason (a shutdown, say). */
function errorMessageOf(output: unknown): string | null {
  if (!output || typeof output !== 'object') return null;
  const { message, value } = output as { message?: unknown; value?: unknown };
  if (typeof message === 'string') return message;
  return typeof value === 'string' ? value : null;
}

/** Postgres `undefined_table`, as the driver raises it or as Drizzle wraps it. */
function isUndefinedTable(error: unknown): boolean {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  return code === '42P01' || cause?.code === '42P01';
}

function queueOf(error: unknown): string | undefined {
  const queue = (error as { queue?: unknown }).queue;
  return typeof queue === 'string' ? queue : undefined;
}
