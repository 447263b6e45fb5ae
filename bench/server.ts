/**
 * One benchmark target, run in its own process by `bench/gateway.ts` (forked with IPC), so the load
 * generator never shares an event loop with the server it measures.
 *
 *   bare            Hono on @hono/node-server serving the body the parent captured from the gateway
 *   gateway-memory  the gateway (`startGateway`) with the in-process rate limiter
 *   gateway-redis   the same gateway with the Redis rate limiter
 *
 * Messages to the parent: `ready` (url, and the key for gateway targets), `unavailable` (reason, e.g.
 * Redis not reachable), `failed` (error), `cpu` (process.cpuUsage() on request). From the parent:
 * `body` (bare only: what to serve), `cpu`, `profile-start`/`profile-stop` (V8 CPU profile of the
 * measured rounds only, through `node:inspector`), `stop` (close and exit).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { loadConfig } from '../packages/gateway/src/config.js';
import { createRedisRateLimiter, type RunningGateway, startGateway } from '../packages/gateway/src/node/index.js';
import type { RateLimiter } from '../packages/gateway/src/rate-limit/types.js';
import type { ChildMessage, ParentMessage, Target } from './protocol.js';

/** Large enough never to refuse a request during a run (the override's maximum is 1,000,000). */
const BENCH_KEY_RATE_LIMIT = { requests: 1_000_000, windowSeconds: 1 };

const send = (message: ChildMessage) => process.send?.(message);
const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Resolves with the first parent message of a given type. */
function nextMessage<T extends ParentMessage['type']>(type: T): Promise<Extract<ParentMessage, { type: T }>> {
  return new Promise((resolve) => {
    const onMessage = (m: ParentMessage) => {
      if (m.type !== type) return;
      process.off('message', onMessage);
      resolve(m as Extract<ParentMessage, { type: T }>);
    };
    process.on('message', onMessage);
  });
}

async function startBare(): Promise<{ url: string; close: () => Promise<void> }> {
  const { body, contentType } = await nextMessage('body');
  // Serialised per request from an object, as the gateway's handler does with `c.json`.
  const payload = JSON.parse(body) as Record<string, unknown>;
  if (!contentType.startsWith('application/json')) throw new Error(`unexpected content type ${contentType}`);
  const app = new Hono();
  app.get('/v1/me', (c) => c.json(payload, 200));
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ server: s, port: info.port }),
    );
    s.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}

async function startGatewayTarget(
  target: 'gateway-memory' | 'gateway-redis',
): Promise<{ url: string; key: string; close: () => Promise<void> } | undefined> {
  let limiter: RateLimiter | undefined;
  if (target === 'gateway-redis') {
    const redisUrl = process.env.LENDWIRE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    limiter = createRedisRateLimiter(redisUrl, { prefix: `bench:${randomUUID()}` });
    try {
      await limiter.ping();
    } catch (error) {
      await limiter.close();
      send({ type: 'unavailable', reason: `Redis at ${redisUrl} did not answer PING (${errorText(error)})` });
      return undefined;
    }
  }
  const running: RunningGateway = await startGateway(
    loadConfig({ PORT: '0', LENDWIRE_DATA_DIR: ':memory:', LENDWIRE_LOG_LEVEL: 'warn' }),
    limiter ? { limiter } : {},
  );
  const platform = await running.services.accounts.ensurePlatform();
  const key = await running.services.apiKeys.create(
    { accountId: platform.id, livemode: false },
    { name: `bench ${target}`, scopes: ['*'], rateLimit: BENCH_KEY_RATE_LIMIT },
  );
  return { url: running.url, key: key.secret, close: () => running.close() };
}

async function main(): Promise<void> {
  const target = process.argv[2] as Target;
  let profiler: Session | undefined;
  process.on('message', async (m: ParentMessage) => {
    if (m.type === 'cpu') send({ type: 'cpu', ...process.cpuUsage() });
    if (m.type === 'profile-start') {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    if (m.type === 'profile-stop' && profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      profiler = undefined;
      mkdirSync(m.dir, { recursive: true });
      const file = join(m.dir, `${m.name}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      send({ type: 'profiled', file });
    }
  });
  let started: { url: string; key?: string; close: () => Promise<void> } | undefined;
  if (target === 'bare') started = await startBare();
  else if (target === 'gateway-memory' || target === 'gateway-redis') started = await startGatewayTarget(target);
  else throw new Error(`unknown target ${target}`);
  if (!started) {
    process.disconnect?.();
    return;
  }
  const { close, ...ready } = started;
  send({ type: 'ready', ...ready });
  await nextMessage('stop');
  await close();
  process.disconnect?.();
  process.exit(0);
}

main().catch((error: unknown) => {
  send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
});
