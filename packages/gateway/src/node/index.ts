import { hash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  type RequestListener,
  type Server,
  type ServerOptions,
  ServerResponse,
} from 'node:http';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { generateApiKey, parseApiKey } from '@lendwire/contract';
import {
  createDb,
  createSecretBox,
  createServices,
  type DbHandle,
  generateEncryptionKey,
  parseEncryptionKey,
  type SecretBox,
  type Services,
} from '@lendwire/core';
import { createGateway, type Gateway } from '../app.js';
import { type Config, ConfigError, tierLimits } from '../config.js';
import { createJsonLogger, type Logger, loggableError } from '../logger.js';
import { clientIpResolver } from '../middleware/auth/index.js';
import { createMemoryRateLimiter } from '../rate-limit/memory.js';
import type { RateLimiter } from '../rate-limit/types.js';
import { createUpstashRestRateLimiter } from '../rate-limit/upstash.js';
import { createProcessNotifier } from './notifications.js';
import { createRedisRateLimiter } from './redis-adapter.js';
import { startWebhookDispatcher, webhookReadiness, webhookSettings } from './webhooks.js';
import { createMoneyJobs, type MoneyJobsOptions } from './workers.js';

export { type MigrateResult, migrate } from './migrate.js';
export { createRedisRateLimiter, createRedisTcpAdapter } from './redis-adapter.js';

/**
 * SHA-256 hex with Node's native one-shot hash: ~60× faster than Web Crypto's async digest per request,
 * and for a key or a small body 1.4-2.7× faster than `createHash().update().digest()` (no Hash object).
 */
export const nodeSha256Hex = (input: string): string => hash('sha256', input, 'hex');

/**
 * The `/docs` page's script (`GatewayOptions.docsScript`): `@scalar/api-reference`'s single-file
 * browser build, read from the installed package so the reference works without internet access.
 */
export function readDocsScript(): Promise<string> {
  // The package exports no subpath for its browser build: find it beside the main entry (`dist/`).
  const entry = createRequire(import.meta.url).resolve('@scalar/api-reference');
  return readFile(join(dirname(entry), 'browser', 'standalone.js'), 'utf8');
}

/** The rate limiter the configuration asks for: Redis (TCP), Upstash (REST) or in-process. */
export function createLimiterFromConfig(config: Config, now: () => number = Date.now): RateLimiter {
  if (config.REDIS_URL) return createRedisRateLimiter(config.REDIS_URL);
  if (config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN) {
    return createUpstashRestRateLimiter({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN });
  }
  return createMemoryRateLimiter({ now });
}

/** Where the root key came from, and the key itself when it was just generated (shown once). */
export interface RootKeyResult {
  source: 'env' | 'file' | 'generated';
  keyId: string;
  /** Only when generated now: print it once, never log it. */
  generatedSecret?: string;
  file?: string;
}

/**
 * Makes sure the platform account and its all-scope root key exist. `LENDWIRE_ROOT_KEY` wins; on the
 * embedded store without it, a key is generated on first start and kept in `<dataDir>/root-key`
 * (mode 0600); on Postgres it is required.
 */
export async function bootstrapRootKey(config: Config, services: Services): Promise<RootKeyResult> {
  const platform = await services.accounts.ensurePlatform();
  const params = { name: 'Root key', scopes: ['*' as const] };
  if (config.LENDWIRE_ROOT_KEY) {
    const key = await services.apiKeys.ensureKeyForSecret(platform.id, config.LENDWIRE_ROOT_KEY, params);
    return { source: 'env', keyId: key.id };
  }
  if (config.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration: LENDWIRE_ROOT_KEY is required with DATABASE_URL (create one with `lendwire keys generate`)',
    );
  }
  const memory = config.LENDWIRE_DATA_DIR === ':memory:';
  const file = memory ? undefined : join(config.LENDWIRE_DATA_DIR, 'root-key');
  if (file && existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (!parseApiKey(secret).ok)
      throw new ConfigError(`Invalid root key in ${file}: delete the file to generate a new one`);
    const key = await services.apiKeys.ensureKeyForSecret(platform.id, secret, params);
    return { source: 'file', keyId: key.id, file };
  }
  const secret = generateApiKey('test');
  const key = await services.apiKeys.ensureKeyForSecret(platform.id, secret, params);
  if (file) writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return { source: 'generated', keyId: key.id, generatedSecret: secret, ...(file ? { file } : {}) };
}

/**
 * Bounds on reading and dropping the rest of a request body after an answer sent before it was read, so
 * the client finishes sending and reads the answer rather than a reset.
 */
interface BodyDrain {
  /** A rest of at most this many bytes is dropped on a connection that stays alive. */
  keepAliveBytes: number;
  /** Past that, `Connection: close`, and at most this many bytes are read and dropped (then close). */
  maxBytes: number;
  /** ... and the connection is kept at most this long after the answer (then close). */
  maxMs: number;
  /** Connections draining now: nothing of ours is left on them, so shutdown closes them at once. */
  sockets: Set<Socket>;
}

/**
 * Node's server for the gateway: its responses to requests that may carry a body make answers sent
 * before that body was read reach the client.
 *
 * The app answers a body over the limit with a 413 as soon as it knows (from Content-Length, or once the
 * limit is passed), and a bad key with a 401, without reading the rest of the body. Left alone, Node keeps
 * the connection alive with the rest of the body stuck behind the Web stream the app read from (it pauses
 * the request when its queue is full), and @hono/node-server closes the socket 500 ms later. A socket closed
 * with unread data is reset: the client still writing its body, or the request it queued next on that
 * connection, gets "other side closed"/ECONNRESET instead of the answer.
 *
 * So the unread rest of a body is dropped after the answer. When it may be large (a body still coming with
 * a Content-Length over {@link BodyDrain.keepAliveBytes}, or chunked), the answer says `Connection: close`,
 * and the server half-closes and drops what comes within the {@link BodyDrain} bounds, so the client
 * finishes writing and reads the answer, then closes the socket. (`req.complete` alone cannot tell: Node
 * runs the app's promise jobs between the last chunk of a body and marking the request complete.)
 */
function createGatewayServer(drain: BodyDrain) {
  type HeadersArg = OutgoingHttpHeaders | OutgoingHttpHeader[];
  const writeHead = ServerResponse.prototype.writeHead;
  // Node takes (status, headers) and (status, reason, headers) alike: a string reason tells them apart.
  function writeHeadDroppingBody(
    this: ServerResponse<IncomingMessage>,
    statusCode: number,
    reason?: string | HeadersArg,
    headers?: HeadersArg,
  ) {
    if (!this.req.readableEnded) dropUnreadBody(this, drain);
    return (writeHead as (...args: unknown[]) => ServerResponse<IncomingMessage>).call(
      this,
      statusCode,
      reason,
      headers,
    );
  }
  // @hono/node-server calls it as `createServer(serverOptions, listener)`; its type is Node's overloads.
  const create = (options: ServerOptions, listener: RequestListener): Server =>
    createServer(options, (req, res) => {
      // GET and HEAD carry no body: the hot path pays these two comparisons (and Node's own response
      // class, rather than a subclass, is built for them).
      if (req.method !== 'GET' && req.method !== 'HEAD') res.writeHead = writeHeadDroppingBody as typeof res.writeHead;
      return listener(req, res);
    });
  return create as typeof createServer;
}

function dropUnreadBody(res: ServerResponse<IncomingMessage>, drain: BodyDrain): void {
  const req = res.req;
  const length = req.headers['transfer-encoding']
    ? Number.POSITIVE_INFINITY
    : Number(req.headers['content-length'] ?? 0);
  if (req.complete || length <= drain.keepAliveBytes) res.once('finish', () => dropBody(req));
  else closeAfterDraining(res, drain);
}

/** Lets the rest of a request body flow into nothing, away from the app's stream that keeps pausing it. */
function dropBody(req: IncomingMessage): void {
  req.removeAllListeners('data');
  req.resume();
}

function closeAfterDraining(res: ServerResponse<IncomingMessage>, drain: BodyDrain): void {
  const socket = res.req.socket;
  if (socket.destroyed) return;
  res.setHeader('connection', 'close');
  // After a `Connection: close` answer Node calls destroySoon(): FIN, then destroy once the answer is
  // flushed, unread body or not (and @hono/node-server's cleanup calls it after 500 ms). Keep the FIN,
  // defer the destroy until the body is in.
  socket.destroySoon = () => {
    if (socket.writable) socket.end();
    drainThenClose(res.req, socket, drain);
  };
}

function drainThenClose(req: IncomingMessage, socket: Socket, drain: BodyDrain): void {
  if (drain.sockets.has(socket) || socket.destroyed) return;
  drain.sockets.add(socket);
  const timer = setTimeout(() => socket.destroy(), drain.maxMs);
  timer.unref();
  socket.once('close', () => {
    clearTimeout(timer);
    drain.sockets.delete(socket);
  });
  // The whole body is in: close once the answer is flushed.
  const closeSoon = () => Socket.prototype.destroySoon.call(socket);
  if (req.readableEnded) {
    closeSoon();
    return;
  }
  let dropped = 0;
  dropBody(req);
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > drain.maxBytes) socket.destroy();
  });
  req.once('end', closeSoon);
}

/**
 * The key bank account numbers are encrypted with: `LENDWIRE_ENCRYPTION_KEY`, required with
 * `DATABASE_URL` (every instance must share it); on the embedded store without it, one is generated
 * on first start into `<dataDir>/encryption-key` (mode 0600), or per process for `:memory:`.
 * Losing it makes stored account numbers unreadable: back it up with the data.
 */
export function loadSecretBox(config: Config, embeddedOverride = false): SecretBox {
  if (config.LENDWIRE_ENCRYPTION_KEY) return createSecretBox(parseEncryptionKey(config.LENDWIRE_ENCRYPTION_KEY));
  if (config.DATABASE_URL && !embeddedOverride) {
    throw new ConfigError(
      'Invalid configuration: LENDWIRE_ENCRYPTION_KEY is required with DATABASE_URL (32 bytes, e.g. `openssl rand -base64 32`)',
    );
  }
  if (config.LENDWIRE_DATA_DIR === ':memory:') return createSecretBox(parseEncryptionKey(generateEncryptionKey()));
  const file = join(config.LENDWIRE_DATA_DIR, 'encryption-key');
  if (!existsSync(file)) {
    mkdirSync(config.LENDWIRE_DATA_DIR, { recursive: true });
    writeFileSync(file, `${generateEncryptionKey()}\n`, { mode: 0o600, flag: 'wx' });
  }
  return createSecretBox(parseEncryptionKey(readFileSync(file, 'utf8')));
}

/** A running gateway on Node. */
export interface RunningGateway {
  app: Gateway;
  server: ServerType;
  db: DbHandle;
  services: Services;
  url: string;
  rootKey: RootKeyResult;
  /** Stops accepting, finishes in-flight requests, flushes usage, closes limiter and database. */
  close(): Promise<void>;
}

/** Options of {@link startGateway}. */
export interface StartGatewayOptions {
  logger?: Logger;
  /** Use an already open database instead of opening one from the configuration. */
  db?: DbHandle;
  limiter?: RateLimiter;
  now?: () => Date;
  /** How often usage counters of a quiet instance are written (default 5000 ms). */
  usageFlushMs?: number;
  /**
   * How long a connection answered before its request body was read (a 413 for a body over the limit)
   * keeps reading and dropping the rest, so the client can finish sending and read the answer, at most
   * (default 5000 ms; at most 64 MiB are read either way).
   */
  bodyDrainMs?: number;
  /** Payout job timing (tests shorten them). */
  jobs?: Omit<MoneyJobsOptions, 'logger'>;
}

/** Opens the store, bootstraps the root key and serves the gateway with @hono/node-server. */
export async function startGateway(config: Config, options: StartGatewayOptions = {}): Promise<RunningGateway> {
  if (config.DATABASE_URL && !config.LENDWIRE_ROOT_KEY && !options.db) {
    // Say so before connecting: an unreachable database would otherwise hide the real problem.
    throw new ConfigError(
      'Invalid configuration: LENDWIRE_ROOT_KEY is required with DATABASE_URL (create one with `lendwire keys generate`)',
    );
  }
  if (config.DATABASE_URL && !config.LENDWIRE_ENCRYPTION_KEY && !options.db) {
    throw new ConfigError(
      'Invalid configuration: LENDWIRE_ENCRYPTION_KEY is required with DATABASE_URL (32 bytes, e.g. `openssl rand -base64 32`)',
    );
  }
  const logger = options.logger ?? createJsonLogger({ level: config.LENDWIRE_LOG_LEVEL });
  if (!config.DATABASE_URL && config.LENDWIRE_WORKERS === 'off') {
    // Allowed (tests hold payouts back this way), but on the embedded store nothing else can work them.
    logger.warn('LENDWIRE_WORKERS=off on the embedded store: no process will work jobs, so payouts stay pending');
  }
  const db =
    options.db ??
    (await createDb({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.LENDWIRE_DATA_DIR,
    }));
  const now = options.now ?? (() => new Date());
  let secretBox: SecretBox;
  try {
    secretBox = loadSecretBox(config, Boolean(options.db));
  } catch (error) {
    if (!options.db) await db.close();
    throw error;
  }
  const jobs = createMoneyJobs(db, {
    logger,
    schedulerIntervalSeconds: config.LENDWIRE_SCHEDULER_INTERVAL,
    notificationRetries: config.LENDWIRE_NOTIFICATION_RETRIES,
    notificationRetryDelaySeconds: config.LENDWIRE_NOTIFICATION_RETRY_DELAY,
    ...options.jobs,
  });
  const services = createServices({
    db: db.db,
    now,
    hash: nodeSha256Hex,
    secretBox,
    enqueue: jobs.enqueue,
    // Only the simulator is built in: on a server deployment live payouts are refused, not pretended.
    liveRail: !config.DATABASE_URL,
    webhooks: webhookSettings(config),
  });
  let rootKey: RootKeyResult;
  const notifications = config.LENDWIRE_WORKERS === 'off' ? undefined : createProcessNotifier(services, config, logger);
  try {
    rootKey = await bootstrapRootKey(config, services);
    // Queues exist before the first request can enqueue; workers run here unless LENDWIRE_WORKERS=off.
    await jobs.start(config.LENDWIRE_WORKERS === 'off' ? undefined : services, notifications?.notifier);
  } catch (error) {
    await jobs.stop().catch(() => {});
    if (!options.db) await db.close();
    throw error;
  }
  // Webhooks go out from this process too unless workers are off here (then `lendwire worker`s send them).
  const webhooks = config.LENDWIRE_WORKERS === 'off' ? undefined : startWebhookDispatcher(services, config, logger);
  // So do notifications: events become notifications here, and their e-mail/SMS jobs run on the workers.
  notifications?.start();
  const limiter = options.limiter ?? createLimiterFromConfig(config, options.now ? () => now().getTime() : Date.now);
  const app = createGateway({
    services,
    ping: db.ping,
    logger,
    limiter,
    rateLimitFail: config.LENDWIRE_RATELIMIT_FAIL,
    tiers: tierLimits(config),
    hash: nodeSha256Hex,
    now,
    // The real clock is cheaper to read as a number; an injected one is read through `now`.
    ...(options.now ? {} : { nowMs: Date.now }),
    keyCacheTtlSeconds: config.LENDWIRE_KEY_CACHE_TTL,
    corsOrigins: config.LENDWIRE_CORS_ORIGINS,
    bodyLimit: config.LENDWIRE_BODY_LIMIT,
    clientIp: clientIpResolver(config.LENDWIRE_CLIENT_IP_HEADER),
    runDueWork: (scope, until) => jobs.runDue(scope, until),
    docsScript: readDocsScript,
    // The job queue answers (its tables are reachable); workers run here unless LENDWIRE_WORKERS=off.
    readiness: {
      jobs: async () => {
        await jobs.queue.stats();
      },
      // Only where this process runs the webhook engine: it is the one that should be keeping up.
      ...(webhooks ? { webhooks: webhookReadiness(webhooks, config.LENDWIRE_WEBHOOK_LAG_ALERT_SECONDS) } : {}),
    },
  });
  const drain: BodyDrain = {
    keepAliveBytes: 64 * 1024,
    maxBytes: 64 * 1024 * 1024,
    maxMs: options.bodyDrainMs ?? 5_000,
    sockets: new Set(),
  };
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: config.PORT,
        hostname: config.HOST,
        createServer: createGatewayServer(drain),
      },
      (info) => resolve({ server: s, port: info.port }),
    );
    s.once('error', reject);
  });
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  const url = `http://${host}:${port}`;
  logger.info('gateway listening', { url, store: db.kind, limiter: limiter.kind });
  // Idempotency records are replayable for 24 h; sweep the expired ones now and then.
  const purge = () =>
    services.idempotency.purgeExpired().catch((error: unknown) => {
      logger.warn('idempotency purge failed', loggableError(error));
      return 0;
    });
  void purge();
  const purgeTimer = setInterval(purge, 10 * 60_000);
  purgeTimer.unref();
  // Requests flush usage as they come; an instance that goes quiet flushes on this timer instead.
  const usageTimer = setInterval(() => void app.deps.usage.flush(), options.usageFlushMs ?? 5_000);
  usageTimer.unref();
  let closing: Promise<void> | undefined;
  return {
    app,
    server,
    db,
    services,
    url,
    rootKey,
    close: () => {
      closing ??= (async () => {
        clearInterval(purgeTimer);
        clearInterval(usageTimer);
        await new Promise<void>((resolve) => {
          const closeIdle = () => {
            (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
            for (const socket of drain.sockets) socket.destroy();
          };
          // Idle keep-alive sockets would hold close() open; in-flight requests still finish, and their
          // sockets, idle once the response is sent, are swept too (not left to the client's keep-alive),
          // as are those answered early and still reading the rest of a body.
          const sweep = setInterval(closeIdle, 50);
          sweep.unref();
          server.close(() => {
            clearInterval(sweep);
            resolve();
          });
          closeIdle();
        });
        await app.deps.usage.flush();
        await limiter.close();
        await webhooks?.stop();
        await notifications?.notifier.stop();
        await jobs.stop();
        await notifications?.stop();
        if (!options.db) await db.close();
        logger.info('gateway stopped');
      })();
      return closing;
    },
  };
}
