// A webhook dispatcher process for webhooks-chaos.test.ts: the production dispatcher loop
// (`createWebhookDispatcher(...).start()`) with the production Node sender, on the Postgres database in
// DATABASE_URL (endpoint secrets decrypted with LENDWIRE_ENCRYPTION_KEY). Private networks are allowed:
// the receivers are on 127.0.0.1. argv: <WebhookDispatcherOptions JSON, without the sender> [idleMs].
// Stdout:
//   READY                 the dispatcher runs
// Logs (pass errors) go to stderr. The parent SIGKILLs it mid-run; SIGTERM stops it cleanly. Run from
// the repository root:
//   node --conditions=@lendwire/source --import tsx <this file> '{"timeoutMs":300,"leaseMs":3000}'
import { createDb, createSecretBox, createServices, createWebhookDispatcher, parseEncryptionKey } from '@lendwire/core';
import { createWebhookSender, nodeSign } from '../../src/node/webhook-sender.js';

const [optionsJson = '{}', idleArg = '50'] = process.argv.slice(2);
const options = JSON.parse(optionsJson) as {
  schedule?: number[];
  jitter?: number;
  timeoutMs?: number;
  leaseMs?: number;
  concurrency?: number;
  batchSize?: number;
  fanOutBatchSize?: number;
};
const databaseUrl = process.env.DATABASE_URL;
const encryptionKey = process.env.LENDWIRE_ENCRYPTION_KEY;
if (!databaseUrl || !encryptionKey) throw new Error('DATABASE_URL and LENDWIRE_ENCRYPTION_KEY are required');

const db = await createDb({ databaseUrl, migrate: false, maxConnections: (options.concurrency ?? 16) + 2 });
const services = createServices({ db: db.db, secretBox: createSecretBox(parseEncryptionKey(encryptionKey)) });
const sender = createWebhookSender({ allowPrivateNetworks: true, connections: options.concurrency ?? 16 });
const dispatcher = createWebhookDispatcher(services.ctx, { ...options, sender, sign: nodeSign });
dispatcher.start(Number(idleArg), (error) => {
  process.stderr.write(`dispatch pass failed: ${error instanceof Error ? error.stack : String(error)}\n`);
});
process.stdout.write('READY\n');

process.once('SIGTERM', async () => {
  await dispatcher.stop();
  await sender.close();
  await db.close();
  process.exit(0);
});
