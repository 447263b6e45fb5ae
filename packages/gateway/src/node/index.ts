import { hash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { generateApiKey, parseApiKey } from '@lendwire/contract';
import { createDb, createServices, type DbHandle, type Services } from '@lendwire/core';
import { createGateway, type Gateway } from '../app.js';
import { type Config, ConfigError, tierLimits } from '../config.js';
import { createJsonLogger, type Logger } from '../logger.js';
import { clientIpResolver } from '../middleware/auth/index.js';
import { createMemoryRateLimiter } from '../rate-limit/memory.js';
import type { RateLimiter } from '../rate-limit/types.js';
import { createUpstashRestRateLimiter } from '../rate-limit/upstash.js';
import { createRedisRateLimiter } from './redis-adapter.js';

export { createRedisRateLimiter, createRedisTcpAdapter } from './redis-adapter.js';

/**
 * SHA-256 hex with Node's native one-shot hash: ~60× faster than Web Crypto's async digest per request,
 * and for a key or a small body 1.4-2.7× faster than `createHash().update().digest()` (no Hash object).
 */
export const nodeSha256Hex = (input: string): string => hash('sha256', input, 'hex');

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
}

/** Opens the store, bootstraps the root key and serves the gateway with @hono/node-server. */
export async function startGateway(config: Config, options: StartGatewayOptions = {}): Promise<RunningGateway> {
  if (config.DATABASE_URL && !config.LENDWIRE_ROOT_KEY && !options.db) {
    // Say so before connecting: an unreachable database would otherwise hide the real problem.
    throw new ConfigError(
      'Invalid configuration: LENDWIRE_ROOT_KEY is required with DATABASE_URL (create one with `lendwire keys generate`)',
    );
  }
  const logger = options.logger ?? createJsonLogger({ level: config.LENDWIRE_LOG_LEVEL });
  const db =
    options.db ??
    (await createDb({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.LENDWIRE_DATA_DIR,
    }));
  const now = options.now ?? (() => new Date());
  const services = createServices({ db: db.db, now, hash: nodeSha256Hex });
  let rootKey: RootKeyResult;
  try {
    rootKey = await bootstrapRootKey(config, services);
  } catch (error) {
    if (!options.db) await db.close();
    throw error;
  }
  const limiter = options.limiter ?? createLimiterFromConfig(config, () => now().getTime());
  const app = createGateway({
    services,
    ping: db.ping,
    logger,
    limiter,
    rateLimitFail: config.LENDWIRE_RATELIMIT_FAIL,
    tiers: tierLimits(config),
    hash: nodeSha256Hex,
    now,
    keyCacheTtlSeconds: config.LENDWIRE_KEY_CACHE_TTL,
    corsOrigins: config.LENDWIRE_CORS_ORIGINS,
    bodyLimit: config.LENDWIRE_BODY_LIMIT,
    clientIp: clientIpResolver(config.LENDWIRE_CLIENT_IP_HEADER),
  });
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) =>
      resolve({ server: s, port: info.port }),
    );
    s.once('error', reject);
  });
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  const url = `http://${host}:${port}`;
  logger.info('gateway listening', { url, store: db.kind, limiter: limiter.kind });
  // Idempotency records are replayable for 24 h; sweep the expired ones now and then.
  const purge = () =>
    services.idempotency.purgeExpired().catch((error: unknown) => {
      logger.warn('idempotency purge failed', { error: String(error) });
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
          const closeIdle = () => (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          // Idle keep-alive sockets would hold close() open; in-flight requests still finish, and their
          // sockets, idle once the response is sent, are swept too (not left to the client's keep-alive).
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
        if (!options.db) await db.close();
        logger.info('gateway stopped');
      })();
      return closing;
    },
  };
}
