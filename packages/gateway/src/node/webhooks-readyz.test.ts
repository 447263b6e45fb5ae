import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '@lendwire/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../../core/test/support.js';
import { loadConfig } from '../config.js';
import { createJsonLogger } from '../logger.js';
import { type RunningGateway, startGateway } from './index.js';

/**
 * `/readyz` reports a webhook engine that is stuck behind, in a process that runs one: a receiver that
 * holds its requests keeps a due delivery waiting past `LENDWIRE_WEBHOOK_LAG_ALERT_SECONDS`, and the
 * check fails until it answers. Over real HTTP, with the gateway's own dispatcher, on PGlite and Postgres.
 */

let store: TestStore;
let receiver: Server;
let receiverUrl: string;
/** Requests the receiver holds until released. */
const held: ServerResponse[] = [];
let holding = true;
const dirs: string[] = [];

beforeAll(async () => {
  store = await openTestStore();
  receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      if (holding) held.push(res);
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  for (const res of held.splice(0)) res.destroy();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await store?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function gateway(env: Record<string, string>): Promise<RunningGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'lendwire-readyz-'));
  dirs.push(dir);
  return startGateway(
    loadConfig({
      PORT: '0',
      LENDWIRE_DATA_DIR: dir,
      LENDWIRE_ROOT_KEY: generateApiKey('test'),
      LENDWIRE_LOG_LEVEL: 'silent',
      ...env,
    }),
    { db: store.handle, logger: createJsonLogger({ level: 'silent' }) },
  );
}

async function readyz(running: RunningGateway) {
  const res = await fetch(`${running.url}/readyz`);
  return { status: res.status, body: (await res.json()) as any };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('/readyz webhooks check', () => {
  it('fails while the oldest due delivery is older than the threshold, and passes once it is delivered', async () => {
    const running = await gateway({ LENDWIRE_WEBHOOK_LAG_ALERT_SECONDS: '1', LENDWIRE_WEBHOOK_TIMEOUT_MS: '30000' });
    try {
      const before = await readyz(running);
      expect(before.status).toBe(200);
      expect(before.body.checks.webhooks).toEqual({ ok: true });

      const account = await running.services.accounts.create({ name: 'Lagging', contactEmail: 'l@example.com' });
      const scope = { accountId: account.id, livemode: false };
      const endpoint = await running.services.webhookEndpoints.create(scope, {
        url: receiverUrl,
        enabledEvents: ['*'],
      });
      const delivery = await running.services.webhookEndpoints.sendTest(scope, endpoint.id, {
        eventType: 'customer.created',
      });
      // The dispatcher sends it and the receiver holds it: the delivery stays due.
      await until('the receiver to hold the request', async () => (held.length > 0 ? true : undefined));
      const lagging = await until('readyz to report the lag', async () => {
        const r = await readyz(running);
        return r.status === 503 ? r : undefined;
      });
      expect(lagging.body.status).toBe('not_ready');
      expect(lagging.body.checks.webhooks.ok).toBe(false);
      expect(lagging.body.checks.webhooks.error).toMatch(
        /webhooks lagging \(over 1 s\): oldest due delivery is \d+ s overdue/,
      );
      expect(lagging.body.checks.database).toEqual({ ok: true });

      // The receiver answers: the delivery succeeds and the check passes again.
      holding = false;
      for (const res of held.splice(0)) res.writeHead(200).end('ok');
      await until('the delivery to succeed', async () => {
        const d = await running.services.webhookEndpoints.delivery(scope, delivery.id);
        return d.status === 'succeeded' ? d : undefined;
      });
      const after = await readyz(running);
      expect(after.status).toBe(200);
      expect(after.body.checks.webhooks).toEqual({ ok: true });
    } finally {
      await running.close();
    }
  });

  it('is not reported by a process that runs no webhook engine', async () => {
    const envs: Record<string, string>[] = [{ LENDWIRE_WEBHOOKS: 'off' }, { LENDWIRE_WORKERS: 'off' }];
    for (const env of envs) {
      const running = await gateway({ ...env, LENDWIRE_WEBHOOK_LAG_ALERT_SECONDS: '1' });
      try {
        const r = await readyz(running);
        expect(r.status).toBe(200);
        expect(r.body.checks).not.toHaveProperty('webhooks');
        expect(r.body.checks.database).toEqual({ ok: true });
      } finally {
        await running.close();
      }
    }
  });
});
