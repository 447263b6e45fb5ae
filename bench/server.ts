/**
 * One benchmark target, run in its own process by `bench/gateway.ts` (forked with IPC), so the load
 * generator never shares an event loop with the server it measures.
 *
 *   bare            Hono on @hono/node-server serving the body the parent captured from the gateway
 *   gateway-memory  the gateway (`startGateway`) with the in-process rate limiter; the second argument
 *                   is its LENDWIRE_WORKERS (`off` or `in-process`)
 *   gateway-redis   the same gateway with the Redis rate limiter
 *   fastify         the hand-built peer: Fastify 5, an onRequest hook that hashes the Bearer key with
 *                   node:crypto SHA-256 and looks it up in a Map, @fastify/rate-limit in memory (per
 *                   key), `GET /v1/me` answering the body the parent captured from the gateway
 *
 * Messages to the parent: `ready` (url, and the key for gateway and Fastify targets), `unavailable` (reason, e.g.
 * Redis not reachable), `failed` (error), `cpu` (process and main-thread CPU use, on request). From the parent:
 * `body` (bare and Fastify: what to serve), `cpu`, `profile-start`/`profile-stop` (V8 CPU profile of the
 * measured rounds only, through `node:inspector`), `stop` (close and exit).
 */
import { hash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import rateLimit from '@fastify/rate-limit';
import { type ServerType, serve } from '@hono/node-server';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { generateApiKey } from '../packages/contract/src/index.js';
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

/**
 * What a team would build by hand with Fastify: the API key hashed with node:crypto and looked up in a
 * Map (no database, no cache expiry, no scopes), `@fastify/rate-limit` in memory keyed by the key's id,
 * and the same JSON body serialised per request (no response schema, as the gateway has none either).
 */
async function startFastify(): Promise<{ url: string; key: string; close: () => Promise<void> }> {
  const { body, contentType } = await nextMessage('body');
  const payload = JSON.parse(body) as Record<string, unknown>;
  if (!contentType.startsWith('application/json')) throw new Error(`unexpected content type ${contentType}`);
  const key = generateApiKey('test');
  const keys = new Map([[hash('sha256', key, 'hex'), { id: 'key_bench', accountId: 'acct_bench' }]]);
  const app = Fastify({ logger: false });
  app.decorateRequest('apiKey', null);
  app.addHook('onRequest', (request, reply, done) => {
    const header = request.headers.authorization;
    const found = header?.startsWith('Bearer ') === true ? keys.get(hash('sha256', header.slice(7), 'hex')) : undefined;
    if (!found) {
      reply.code(401).send({ code: 'api_key_invalid', detail: 'No API key matches the one sent' });
      return;
    }
    (request as unknown as { apiKey: typeof found }).apiKey = found;
    done();
  });
  // Route-level hooks (this plugin's) run after the app-level one above, so the key is known here.
  await app.register(rateLimit, {
    max: BENCH_KEY_RATE_LIMIT.requests,
    timeWindow: BENCH_KEY_RATE_LIMIT.windowSeconds * 1000,
    keyGenerator: (request) => (request as unknown as { apiKey: { id: string } }).apiKey.id,
  });
  app.get('/v1/me', (_request, reply) => {
    reply.send(payload);
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: address, key, close: () => app.close() };
}

async function startGatewayTarget(
  target: 'gateway-memory' | 'gateway-redis',
  workers: string,
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
    loadConfig({ PORT: '0', LENDWIRE_DATA_DIR: ':memory:', LENDWIRE_LOG_LEVEL: 'warn', LENDWIRE_WORKERS: workers }),
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
    if (m.type === 'cpu') {
      const main = process.threadCpuUsage();
      send({ type: 'cpu', ...process.cpuUsage(), mainUser: main.user, mainSystem: main.system });
    }
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
  else if (target === 'fastify') started = await startFastify();
  else if (target === 'gateway-memory' || target === 'gateway-redis') {
    started = await startGatewayTarget(target, process.argv[3] ?? 'off');
  } else throw new Error(`unknown target ${target}`);
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
