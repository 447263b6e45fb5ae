import { createDb, createServices } from '@lendwire/core';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { bootstrapRootKey, nodeSha256Hex } from './index.js';
import { createMoneyJobs } from './workers.js';

/** What {@link migrate} did. */
export interface MigrateResult {
  store: 'pglite' | 'postgres';
  /** The root key's id, when `LENDWIRE_ROOT_KEY` was set and registered. */
  rootKeyId?: string;
}

/**
 * `lendwire migrate`: prepares a database for every kind of instance that uses it. Applies the schema
 * migrations, installs the job queue's schema and defines its queues (a Worker only writes jobs, so
 * it cannot create them), and registers `LENDWIRE_ROOT_KEY` as the platform's all-scope key when set.
 * Safe to run again: each step is idempotent, and concurrent runs are serialised by the migrations' lock.
 */
export async function migrate(config: Config, options: { logger?: Logger } = {}): Promise<MigrateResult> {
  const db = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.LENDWIRE_DATA_DIR });
  try {
    const jobs = createMoneyJobs(db, { logger: options.logger, schedulerIntervalSeconds: 0 });
    try {
      await jobs.start();
    } finally {
      await jobs.stop();
    }
    if (!config.LENDWIRE_ROOT_KEY) return { store: db.kind };
    const rootKey = await bootstrapRootKey(config, createServices({ db: db.db, hash: nodeSha256Hex }));
    return { store: db.kind, rootKeyId: rootKey.keyId };
  } finally {
    await db.close();
  }
}
