// The shared behaviour suite against the Node entry: `startGateway` on Postgres with the Redis limiter,
// working its jobs in process. Its twin, workerd.test.ts, runs the same suite against the Worker.
import { generateApiKey } from '@lendwire/contract';
import { generateEncryptionKey } from '@lendwire/core';
import { afterAll, beforeAll, describe } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createJsonLogger } from '../../src/logger.js';
import { type RunningGateway, startGateway } from '../../src/node/index.js';
import { createTestDatabase, deploymentSuiteSkipReason, type TestDatabase } from '../support/postgres-database.js';
import { SUITE_TIERS, type SuiteTarget, sharedGatewaySuite } from '../support/shared-suite.js';

const skip = deploymentSuiteSkipReason();
if (skip) console.log(`[lendwire] shared suite on Node skipped: ${skip}`);

describe.skipIf(skip)('the shared gateway suite on Node (startGateway, Postgres, Redis limiter)', () => {
  const rootKey = generateApiKey('test');
  let database: TestDatabase;
  let running: RunningGateway;
  let target: SuiteTarget;

  beforeAll(async () => {
    database = await createTestDatabase('lw_node_suite');
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: database.url,
      LENDWIRE_ROOT_KEY: rootKey,
      LENDWIRE_ENCRYPTION_KEY: generateEncryptionKey(),
      REDIS_URL: process.env.LENDWIRE_TEST_REDIS_URL,
      LENDWIRE_RATELIMIT_TIERS: JSON.stringify(SUITE_TIERS),
      LENDWIRE_CLIENT_IP_HEADER: 'x-forwarded-for',
      LENDWIRE_SCHEDULER_INTERVAL: '0',
    });
    running = await startGateway(config, { logger: createJsonLogger({ level: 'silent' }) });
    target = { url: running.url, rootKey, clientIpHeader: 'x-forwarded-for' };
  });

  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  sharedGatewaySuite(() => target);
});
