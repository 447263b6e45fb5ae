import {
  createJobQueue,
  type DbHandle,
  type Enqueue,
  type JobQueue,
  LENDING_WORK_JOB,
  NOTIFICATION_SEND_JOB,
  type NotificationSendJob,
  type Notifier,
  PAYOUT_ATTEMPTS,
  PAYOUT_JOB,
  runDueJobs,
  type Services,
  startWorkers,
  type TenantScope,
} from '@lendwire/core';
import type { Logger } from '../logger.js';

/** Data of the payout job. */
export interface PayoutJob {
  withdrawalId: string;
  accountId: string;
  livemode: boolean;
}

/** Options of {@link createMoneyJobs}. */
export interface MoneyJobsOptions {
  logger?: Logger;
  /** Seconds before a payout attempt held by a dead worker is retried (default 60). */
  expireInSeconds?: number;
  /** Seconds before the first retry of a failed payout (default 2, then doubling). */
  retryDelaySeconds?: number;
  /** Seconds between passes that retry expired attempts (default 60): see `createJobQueue`. */
  superviseIntervalSeconds?: number;
  /**
   * Seconds between runs of the lending scheduler over every tenant (default 30; 0 turns it off).
   * Each run expires offers, sends reminders, marks overdue installments and collects due ones.
   */
  schedulerIntervalSeconds?: number;
  /** Retries of a notification e-mail or SMS after a transport failure (default 8). */
  notificationRetries?: number;
  /** Seconds before the first retry of a notification (default 30, then doubling up to an hour). */
  notificationRetryDelaySeconds?: number;
}

/** The money core's durable jobs: enqueueing (for the services) and working (for workers). */
export interface MoneyJobs {
  queue: JobQueue;
  /** Pass to `createServices({ enqueue })`: jobs join the caller's transaction. Call `start` first. */
  enqueue: Enqueue;
  /**
   * Defines the queues and starts the queue; with `services`, also works the jobs in this process
   * (notification sends with `notifier`). Must finish before the first enqueue: defining a queue
   * inside a caller's transaction would wait for that transaction on PGlite's one connection.
   */
  start(services?: Services, notifier?: Notifier): Promise<void>;
  /** Runs a test-mode tenant's jobs due by `until` now (the test clock's advance). */
  runDue(scope: TenantScope, until: Date): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The payout queue on pg-boss. A payout is retried with backoff while the rail answers with a
 * retryable failure (`bank_unavailable`); the last attempt releases the funds. Every attempt is safe
 * to repeat after a crash: the rail is called with the withdrawal id as reference.
 */
export function createMoneyJobs(handle: DbHandle, options: MoneyJobsOptions = {}): MoneyJobs {
  const queue = createJobQueue(handle, {
    logger: options.logger,
    superviseIntervalSeconds: options.superviseIntervalSeconds,
  });
  const queueOptions = {
    retryLimit: PAYOUT_ATTEMPTS - 1,
    retryDelay: options.retryDelaySeconds ?? 2,
    retryBackoff: true,
    retryDelayMax: 300,
    expireInSeconds: options.expireInSeconds ?? 60,
  };
  const lendingQueue = { retryLimit: 5, retryDelay: 2, retryBackoff: true, expireInSeconds: 120 };
  const notificationRetries = options.notificationRetries ?? 8;
  const notificationQueue = {
    retryLimit: notificationRetries,
    retryDelay: options.notificationRetryDelaySeconds ?? 30,
    retryBackoff: true,
    retryDelayMax: 3600,
    expireInSeconds: 120,
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    queue,
    enqueue: (db, name, data, options) =>
      queue.send(name, data, { db, ...(options?.startAfter ? { startAfter: options.startAfter } : {}) }),
    async start(services, notifier) {
      if (!services) {
        await queue.defineQueue(PAYOUT_JOB, queueOptions);
        await queue.defineQueue(LENDING_WORK_JOB, lendingQueue);
        await queue.defineQueue(NOTIFICATION_SEND_JOB, notificationQueue);
        await queue.start();
        return;
      }
      await startWorkers(queue, [
        {
          name: PAYOUT_JOB,
          queue: queueOptions,
          work: { concurrency: 4 },
          handler: async (job) => {
            const data = job.data as PayoutJob;
            await services.withdrawals.processPayout(data.withdrawalId, job.retryCount);
          },
        },
        {
          name: LENDING_WORK_JOB,
          queue: lendingQueue,
          work: { concurrency: 2 },
          // A tenant's new mandates and credit assessments, at once (the periodic run would get there too).
          handler: async (job) => {
            const scope = job.data as TenantScope;
            await services.lendingScheduler.run({ scope, now: await services.testClock.now(scope) });
          },
        },
        {
          name: NOTIFICATION_SEND_JOB,
          queue: notificationQueue,
          work: { concurrency: 2 },
          // One e-mail or SMS; a transport failure throws and the job is retried with backoff, the last
          // attempt marks the delivery failed. Without a notifier here the queue is only defined.
          handler: async (job) => {
            if (!notifier) throw new Error('no notifier in this process to send notifications');
            const data = job.data as NotificationSendJob;
            await notifier.send(data.deliveryId, job.retryCount >= notificationRetries);
          },
        },
      ]);
      const every = options.schedulerIntervalSeconds ?? 30;
      if (every > 0) {
        let running: Promise<unknown> | undefined;
        timer = setInterval(() => {
          if (running) return;
          running = services.lendingScheduler
            .run()
            .catch((error: unknown) =>
              options.logger?.error('lending scheduler run failed', {
                error: error instanceof Error ? error.name : 'unknown',
              }),
            )
            .finally(() => {
              running = undefined;
            });
        }, every * 1000);
        timer.unref();
      }
    },
    async runDue(scope, until) {
      await runDueJobs(handle.db, scope, until);
    },
    stop: () => {
      if (timer) clearInterval(timer);
      return queue.stop({ graceful: true, timeoutMs: 10_000 });
    },
  };
}

/** A worker process's handles: stop it on SIGTERM. */
export interface RunningWorker {
  jobs: MoneyJobs;
  services: Services;
  db: DbHandle;
  stop(): Promise<void>;
}
