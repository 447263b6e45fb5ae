import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type GrantableScope, generateApiKey, isId, ScopeSchema } from '@lendwire/contract';
import { createDb, createJobQueue, createServices, DataDirLockedError, ServiceError } from '@lendwire/core';
import { createGateway } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createJsonLogger } from './logger.js';
import { nodeSha256Hex, type RootKeyResult, startGateway } from './node/index.js';
import { migrate } from './node/migrate.js';
import { formatWebhookStatus, webhookStatus } from './node/webhooks.js';
import { startWorker } from './node/worker-process.js';
import { openApiDocument } from './routes/service/openapi.js';

const USAGE = `Usage: lendwire <command>

Commands:
  start                                   Serve the gateway (PORT, HOST, DATABASE_URL, ...)
  migrate                                 Apply migrations, create the job queues, register LENDWIRE_ROOT_KEY (when set), and exit
  keys generate [--live]                  Print a fresh well-formed key (e.g. for LENDWIRE_ROOT_KEY)
  keys create --account <acct_…> --scopes <a,b> [--name <n>] [--live]
                                          Create an API key for an account and print its secret once
  openapi [--out <file>]                  Print or write the OpenAPI 3.1 document
  worker                                  Work jobs (payouts, lending) and the lending scheduler only; run any number against DATABASE_URL
  jobs [--failed <n>]                     Job counts per queue and state, and the newest failed jobs
  webhooks [--json]                       Per endpoint: 24 h success rate, last failures, queue depth; the fan-out backlog
`;

function fail(message: string): never {
  process.stderr.write(`lendwire: ${message}\n`);
  process.exit(1);
}

/**
 * What `start` says about the root key. A freshly generated key is printed only to a terminal: in
 * production stdout goes to the logs, and a key in the logs is a key anyone reading them holds.
 */
function rootKeyNotice(rootKey: RootKeyResult, url: string, tty: boolean): string {
  const { generatedSecret: secret, file } = rootKey;
  const tryIt = `  Try: curl -H "Authorization: Bearer ${file ? `$(cat ${file})` : '<root key>'}" ${url}/v1/me\n\n`;
  if (secret && tty) {
    const where = file ? `kept in ${file} with mode 0600` : 'kept nowhere: the store is in memory';
    return `\n  Root key (shown once, ${where}):\n\n    ${secret}\n\n${tryIt}`;
  }
  if (secret && file) {
    return `\n  Root key generated and kept in ${file} (mode 0600); read it from there: it is not printed because stdout is not a terminal.\n\n${tryIt}`;
  }
  if (secret) {
    return '\n  Root key generated but not shown: stdout is not a terminal, and with an in-memory store (LENDWIRE_DATA_DIR=:memory:) it is kept nowhere. Set LENDWIRE_ROOT_KEY to a key of yours (generate one with `lendwire keys generate`) and start again.\n\n';
  }
  return rootKey.source === 'file' ? `\n  Root key: in ${file}\n` : '';
}

async function main(argv: string[]) {
  const [command, sub] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command === 'keys' && sub === 'generate') {
    const { values } = parseArgs({ args: argv.slice(2), options: { live: { type: 'boolean' } } });
    process.stdout.write(`${generateApiKey(values.live ? 'live' : 'test')}\n`);
    return;
  }
  if (command === 'openapi') {
    const { values } = parseArgs({ args: argv.slice(1), options: { out: { type: 'string' } } });
    const app = createGateway({
      services: createServices({ db: null as never }),
      logger: createJsonLogger({ level: 'silent' }),
    });
    const doc = `${JSON.stringify(openApiDocument(app), null, 2)}\n`;
    if (values.out) writeFileSync(values.out, doc);
    else process.stdout.write(doc);
    return;
  }

  const config = loadConfig(process.env);
  if (command === 'migrate') {
    const result = await migrate(config, { logger: createJsonLogger({ level: config.LENDWIRE_LOG_LEVEL }) });
    process.stdout.write(`Migrations applied and job queues ready (${result.store}).\n`);
    if (result.rootKeyId) process.stdout.write(`Root key registered: ${result.rootKeyId} (from LENDWIRE_ROOT_KEY).\n`);
    return;
  }
  if (command === 'worker') {
    if (!config.DATABASE_URL) {
      fail('`lendwire worker` needs DATABASE_URL: on the embedded store, `lendwire start` works the jobs itself');
    }
    const worker = await startWorker(config);
    process.stdout.write(
      `Lendwire worker ${process.pid} working jobs (${worker.db.kind}); SIGTERM stops it gracefully\n`,
    );
    const stop = () => {
      worker.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    return;
  }
  if (command === 'jobs') {
    const { values } = parseArgs({ args: argv.slice(1), options: { failed: { type: 'string', default: '10' } } });
    const db = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.LENDWIRE_DATA_DIR });
    try {
      const queue = createJobQueue(db);
      const stats = await queue.stats();
      process.stdout.write('queue                 created  retry  active  completed  failed  cancelled\n');
      for (const q of stats) {
        process.stdout.write(
          `${q.name.padEnd(20)} ${[q.created, q.retry, q.active, q.completed, q.failed, q.cancelled].map((n) => String(n).padStart(8)).join(' ')}\n`,
        );
      }
      if (stats.length === 0) process.stdout.write('(no queues yet: start the gateway or a worker once)\n');
      const failed = await queue.failed(Number(values.failed) || 10);
      for (const job of failed) {
        process.stdout.write(
          `failed ${job.name} ${job.id} after ${job.retryCount + 1} attempt(s): ${job.error ?? 'no error recorded'}\n`,
        );
      }
    } finally {
      await db.close();
    }
    return;
  }
  if (command === 'webhooks') {
    const { values } = parseArgs({ args: argv.slice(1), options: { json: { type: 'boolean' } } });
    const db = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.LENDWIRE_DATA_DIR });
    try {
      const status = await webhookStatus(db.db);
      process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatWebhookStatus(status));
    } finally {
      await db.close();
    }
    return;
  }
  if (command === 'keys' && sub === 'create') {
    const { values } = parseArgs({
      args: argv.slice(2),
      options: {
        account: { type: 'string' },
        scopes: { type: 'string' },
        name: { type: 'string', default: 'CLI key' },
        live: { type: 'boolean' },
      },
    });
    if (!values.account || !isId('account', values.account)) fail('--account acct_… is required');
    const scopes = (values.scopes ?? '').split(',').filter(Boolean);
    if (scopes.length === 0) fail('--scopes is required, e.g. --scopes customers:read,customers:write');
    for (const s of scopes) if (!ScopeSchema.safeParse(s).success) fail(`unknown scope ${s}`);
    const db = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.LENDWIRE_DATA_DIR });
    try {
      const services = createServices({ db: db.db, hash: nodeSha256Hex });
      const key = await services.apiKeys.create(
        { accountId: values.account, livemode: Boolean(values.live) },
        { name: values.name, scopes: scopes as GrantableScope[] },
      );
      process.stdout.write(`${JSON.stringify({ id: key.id, account: key.account, scopes: key.scopes })}\n`);
      process.stdout.write(`Secret (shown once): ${key.secret}\n`);
    } finally {
      await db.close();
    }
    return;
  }
  if (command === 'start') {
    const running = await startGateway(config);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`Received ${signal}, finishing in-flight requests...\n`);
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      running.close().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`lendwire: shutdown failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
    };
    // Before saying it listens: a supervisor may send SIGTERM as soon as it reads that line.
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.stdout.write(rootKeyNotice(running.rootKey, running.url, process.stdout.isTTY === true));
    process.stdout.write(`  Lendwire gateway on ${running.url}  (API reference: ${running.url}/docs)\n\n`);
    return;
  }
  fail(`unknown command ${argv.join(' ')}\n\n${USAGE}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Errors that explain themselves get one line; anything else keeps its stack for a bug report.
  if (error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof ServiceError) {
    fail(error.message);
  }
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
});
