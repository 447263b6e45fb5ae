import { createDb, createServices, type DbHandle, type PaymentRail } from '@lendwire/core';
import type { Config } from '../config.js';
import { createJsonLogger, type Logger } from '../logger.js';
import { loadSecretBox, nodeSha256Hex } from './index.js';
import { createProcessNotifier } from './notifications.js';
import { startWebhookDispatcher, webhookSettings } from './webhooks.js';
import { createMoneyJobs, type MoneyJobsOptions, type RunningWorker } from './workers.js';

/**
 * `lendwire worker`: works the money core's and lending's jobs (payouts, mandate set-up, credit assessments) and runs the periodic lending scheduler in a process of its own. Any number may
 * run against one Postgres database; each job goes to one of them. On the embedded store the
 * gateway process works its jobs itself (PGlite serves one process), so this needs `DATABASE_URL`
 * unless a store is passed in.
 */
export async function startWorker(
  config: Config,
  options: {
    db?: DbHandle;
    logger?: Logger;
    jobs?: Omit<MoneyJobsOptions, 'logger'>;
    /** Default: the rail simulator, with its books in the database. */
    rail?: PaymentRail;
  } = {},
): Promise<RunningWorker> {
  const logger = options.logger ?? createJsonLogger({ level: config.LENDWIRE_LOG_LEVEL });
  const db = options.db ?? (await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.LENDWIRE_DATA_DIR }));
  const jobs = createMoneyJobs(db, {
    logger,
    schedulerIntervalSeconds: config.LENDWIRE_SCHEDULER_INTERVAL,
    notificationRetries: config.LENDWIRE_NOTIFICATION_RETRIES,
    notificationRetryDelaySeconds: config.LENDWIRE_NOTIFICATION_RETRY_DELAY,
    ...options.jobs,
  });
  const services = createServices({
    db: db.db,
    hash: nodeSha256Hex,
    secretBox: loadSecretBox(config, Boolean(options.db)),
    enqueue: jobs.enqueue,
    rail: options.rail,
    liveRail: Boolean(options.rail) || !config.DATABASE_URL,
    webhooks: webhookSettings(config),
  });
  const notifications = createProcessNotifier(services, config, logger);
  await jobs.start(services, notifications.notifier);
  const webhooks = startWebhookDispatcher(services, config, logger);
  notifications.start();
  logger.info('worker started', { store: db.kind, pid: process.pid });
  return {
    jobs,
    services,
    db,
    async stop() {
      await webhooks?.stop();
      await notifications.notifier.stop();
      await jobs.stop();
      await notifications.stop();
      if (!options.db) await db.close();
      logger.info('worker stopped', { pid: process.pid });
    },
  };
}
