/// <reference types="node" />
// `examples/webhook-receiver/index.mjs` runs with plain `node` and the BUILT `@lendwire/webhooks`,
// receiving real deliveries from a real gateway (its built-in dispatcher, schedule compressed to
// 0, 100, 200 ms): it prints each verified event, refuses a tampered or unsigned request with 400,
// and acknowledges a replayed message (same `webhook-id`) without handling it twice.
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { generateWebhookSecret, signatureHeaders } from '@lendwire/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2EGateway, type Partner, startE2EGateway } from '../support/gateway.js';
import { type ExampleDir, ensureSdkBuilt, exampleDir, REPO_ROOT, SDK_DIR } from './support.js';

const WEBHOOKS_DIR = join(REPO_ROOT, 'packages', 'webhooks');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const webhooksDistStale = () => {
  const entry = join(WEBHOOKS_DIR, 'dist', 'index.js');
  return !existsSync(entry) || newestMtime(join(WEBHOOKS_DIR, 'src')) > statSync(entry).mtimeMs;
};

/**
 * Builds `@lendwire/webhooks` when its `dist` is missing or older than `src`, under the lock the SDK
 * build takes (`ensureSdkBuilt`), so no other test file cleans the contract's `dist` meanwhile.
 */
function ensureWebhooksBuilt(): void {
  ensureSdkBuilt();
  if (!webhooksDistStale()) return;
  const lock = join(SDK_DIR, 'node_modules', '.cache', 'lendwire-sdk-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (webhooksDistStale()) execSync('pnpm --filter @lendwire/webhooks build', { cwd: REPO_ROOT, stdio: 'pipe' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A port nothing listens on right now (the receiver is started on it next). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The example receiver as a child process, and everything it printed. */
interface RunningReceiver {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves once the output matches `pattern` (rejects after `timeoutMs`, showing the output). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

async function startReceiver(dir: string, secret: string, port: number): Promise<RunningReceiver> {
  const child = spawn(process.execPath, [join(dir, 'index.mjs')], {
    cwd: dir,
    // NODE_OPTIONS could carry a loader or `--conditions=@lendwire/source`: the child must load the build.
    env: { ...process.env, NODE_OPTIONS: '', LENDWIRE_WEBHOOK_SECRET: secret, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const output = () => out;
  const waitFor = async (pattern: RegExp, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = out.match(pattern);
      if (match) return match;
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`receiver output never matched ${pattern} (exit ${child.exitCode}):\n${out}\nstderr:\n${err}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  await waitFor(/Listening on (http:\/\/\S+)/);
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    child,
    output,
    waitFor,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

let gateway: E2EGateway;
let partner: Partner;
let exampleDirPath: string;
let example: ExampleDir | undefined;
let receiver: RunningReceiver | undefined;
let endpoint: { id: string; secret: string };

/** A call to the gateway with the partner's key. */
async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${gateway.running.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${partner.key}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

/** Polls a delivery list of an endpoint until `done` holds for it. */
async function deliveriesUntil(endpointId: string, done: (deliveries: any[]) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await api('GET', `/v1/webhook-endpoints/${endpointId}/deliveries?limit=100`);
    if (done(json.data)) return json.data as any[];
    if (Date.now() > deadline) throw new Error(`deliveries never settled: ${JSON.stringify(json.data, null, 2)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** POSTs to the receiver as anyone could. */
async function post(body: string, headers: Record<string, string>) {
  const res = await fetch(receiver!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  ensureWebhooksBuilt();
  example = exampleDir('webhook-receiver', 'webhooks', WEBHOOKS_DIR);
  exampleDirPath = example.dir;
  // The embedded store allows endpoints on 127.0.0.1 (LENDWIRE_WEBHOOK_ALLOW_PRIVATE_NETWORKS defaults to true there).
  gateway = await startE2EGateway({ LENDWIRE_WEBHOOK_SCHEDULE: '0,100,200' });
  partner = await gateway.createPartner('Webhook receiver example');
  const port = await freePort();
  const created = await api('POST', '/v1/webhook-endpoints', {
    url: `http://127.0.0.1:${port}/webhooks`,
    enabledEvents: ['api_key.*'],
    description: 'examples/webhook-receiver',
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  endpoint = { id: created.json.id, secret: created.json.secret };
  expect(endpoint.secret).toMatch(/^whsec_/);
  receiver = await startReceiver(exampleDirPath, endpoint.secret, port);
}, 180_000);

afterAll(async () => {
  await receiver?.stop();
  await gateway?.close();
  example?.cleanup();
});

describe('examples/webhook-receiver', () => {
  it('prints the verified event the gateway delivered, and the delivery log shows its 200', async () => {
    const key = await partner.client.apiKeys.create({ name: 'Reporting', scopes: ['events:read'] });

    const [line, type, eventId, messageId, object, objectId] = await receiver!.waitFor(
      /verified {2}(\S+) (evt_\w+) \(webhook-id (msg_\w+)\): (\S+) (\S+)/,
    );
    expect(line).toBeDefined();
    expect({ type, object, objectId }).toEqual({ type: 'api_key.created', object: 'api_key', objectId: key.id });
    // The event is the one the API lists, and the message is the delivery the log shows.
    const listed = await partner.client.events.retrieve(eventId!);
    expect(listed).toMatchObject({ type: 'api_key.created', data: { object: { id: key.id } } });
    const [delivery] = await deliveriesUntil(endpoint.id, (d) => d.some((x) => x.status !== 'pending'));
    expect(delivery).toMatchObject({
      id: messageId,
      eventId,
      eventType: 'api_key.created',
      status: 'succeeded',
      attemptCount: 1,
      nextAttemptAt: null,
    });
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ responseStatus: 200, error: null, responseExcerpt: 'ok' });
    expect(receiver!.output()).not.toMatch(/refused/);
  });

  it('refuses a tampered body, a wrong secret and a missing header with 400, and accepts the untampered original', async () => {
    const body = JSON.stringify({
      id: 'evt_01m8sy3v6qn7vagmrkzfck4ekh',
      object: 'event',
      type: 'withdrawal.succeeded',
      data: { object: { id: 'wd_01m8sy3v38j7607eyyhd9h6dth', object: 'withdrawal', amount: 200000 } },
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = await signatureHeaders({
      id: 'msg_tamper_check',
      timestamp,
      payload: body,
      secrets: [endpoint.secret],
    });
    const before = receiver!.output().length;

    const tampered = await post(body.replace('200000', '9200000'), signed);
    expect(tampered).toEqual({ status: 400, text: 'webhook refused: invalid_signature' });

    const otherSecret = await signatureHeaders({
      id: 'msg_wrong_secret',
      timestamp,
      payload: body,
      secrets: [generateWebhookSecret()],
    });
    expect(await post(body, otherSecret)).toEqual({ status: 400, text: 'webhook refused: invalid_signature' });

    const { 'webhook-signature': _dropped, ...unsigned } = signed;
    expect(await post(body, unsigned)).toEqual({ status: 400, text: 'webhook refused: missing_header' });

    const stale = await signatureHeaders({
      id: 'msg_stale',
      timestamp: timestamp - 600,
      payload: body,
      secrets: [endpoint.secret],
    });
    expect(await post(body, stale)).toEqual({ status: 400, text: 'webhook refused: timestamp_too_old' });

    const printed = receiver!.output().slice(before);
    expect(printed.match(/^refused {3}invalid_signature: /gm)).toHaveLength(2);
    expect(printed).toMatch(/^refused {3}missing_header: Missing the webhook-signature header$/m);
    expect(printed).toMatch(/^refused {3}timestamp_too_old: /m);
    expect(printed).not.toMatch(/verified|9200000/);

    // The same bytes and headers, untampered, are authentic: the 400s were about the tampering.
    expect(await post(body, signed)).toEqual({ status: 200, text: 'ok' });
    await receiver!.waitFor(
      /verified {2}withdrawal\.succeeded evt_01m8sy3v6qn7vagmrkzfck4ekh \(webhook-id msg_tamper_check\)/,
    );
  });

  it('acknowledges a replayed delivery (same webhook-id) once handled, without handling it twice', async () => {
    const [first] = await deliveriesUntil(endpoint.id, (d) => d.some((x) => x.eventType === 'api_key.created'));
    const retried = await api('POST', `/v1/webhook-deliveries/${first.id}/retry`);
    expect(retried.status).toBe(202);
    await receiver!.waitFor(
      new RegExp(`duplicate api_key\\.created evt_\\w+ \\(webhook-id ${first.id}\\), already handled`),
    );
    const [after] = await deliveriesUntil(endpoint.id, (d) =>
      d.some((x) => x.id === first.id && x.status === 'succeeded' && x.attemptCount === 2),
    ).then((d) => d.filter((x) => x.id === first.id));
    expect(after.attempts.map((a: any) => a.responseStatus)).toEqual([200, 200]);
    expect(after.attempts[1].responseExcerpt).toBe('ok (duplicate)');
    expect(receiver!.output().match(new RegExp(`verified .*webhook-id ${first.id}\\)`, 'g'))).toHaveLength(1);
  });

  it('answers 400 to deliveries signed with another secret: retried on the compressed schedule, then failed', async () => {
    // A second endpoint to the same receiver: its secret is not the one the receiver holds.
    const other = await api('POST', '/v1/webhook-endpoints', {
      url: receiver!.url,
      enabledEvents: ['api_key.revoked'],
    });
    expect(other.status).toBe(201);
    const key = await partner.client.apiKeys.create({ name: 'Short-lived', scopes: ['events:read'] });
    await partner.client.apiKeys.revoke(key.id);

    const [failed] = await deliveriesUntil(other.json.id, (d) => d.length > 0 && d[0].status === 'failed');
    expect(failed).toMatchObject({
      eventType: 'api_key.revoked',
      status: 'failed',
      attemptCount: 3,
      nextAttemptAt: null,
    });
    expect(failed.attempts.map((a: any) => a.responseStatus)).toEqual([400, 400, 400]);
    expect(failed.attempts[0].responseExcerpt).toBe('webhook refused: invalid_signature');
    // 100 ms then 200 ms (±20 % jitter), each counted from the end of the attempt before.
    const at = failed.attempts.map((a: any) => Date.parse(a.at));
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(80);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(160);
    // The first endpoint (api_key.*) got the same event, verified.
    await receiver!.waitFor(/verified {2}api_key\.revoked evt_\w+ \(webhook-id msg_\w+\): api_key /);
    expect(
      receiver!.output().match(/^refused {3}invalid_signature: No matching signature/gm)?.length,
    ).toBeGreaterThanOrEqual(3);
  });
});
