import { AsyncLocalStorage } from 'node:async_hooks';
import {
  createSecretBox,
  createServices,
  LENDING_WORK_JOB,
  NOTIFICATION_SEND_JOB,
  PAYOUT_JOB,
  parseEncryptionKey,
  rowsOf,
  type SecretBox,
  type Services,
} from '@lendwire/core/domain';
import { sql } from 'drizzle-orm';
import { createGateway, type Gateway } from '../app.js';
import { ConfigError, tierLimits } from '../config.js';
import { createJsonLogger, type Logger, loggableError } from '../logger.js';
import { clientIpResolver } from '../middleware/auth/index.js';
import { SECURE_HEADERS } from '../middleware/envelope/index.js';
import { problemBody } from '../problem.js';
import { createUpstashRestRateLimiter } from '../rate-limit/upstash.js';
import { type WorkerEnv, type WorkerSettings, workerSettings } from './config.js';
import { openRequestDatabase, type RequestDatabase } from './database.js';
import { sendOnlyEnqueue } from './enqueue.js';

/** The part of a Workers `ExecutionContext` the handler uses. */
export interface WorkerExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException?(): void;
}

/** A module Worker: `export default { fetch, scheduled }`. */
export interface WorkerHandler {
  fetch(request: Request, env: WorkerEnv, ctx: WorkerExecutionContext): Promise<Response>;
  /**
   * A Cron Trigger's run: deletes expired idempotency records (kept 24 h), as a Node gateway does every
   * 10 minutes. Schedule it with a Cron Trigger in `wrangler.toml` (`[triggers]`, e.g. every 10 minutes).
   */
  scheduled(controller: unknown, env: WorkerEnv, ctx: WorkerExecutionContext): Promise<void>;
}

/** Options of {@link createWorkerHandler}. */
export interface WorkerHandlerOptions {
  /** Default: JSON lines through `console.log` at `LENDWIRE_LOG_LEVEL` (Workers Logs picks them up). */
  logger?: Logger;
  /** The pg-boss schema `lendwire migrate` installed (default `pgboss`). */
  jobSchema?: string;
}

/** What one request runs on. */
interface RequestScope {
  services: Services;
  database: RequestDatabase;
}

/** One gateway per isolate and configuration: its key cache and usage counts live in isolate memory. */
interface Built {
  /** The env object it was built from (the same one on every request of an isolate, as a rule). */
  env: WorkerEnv;
  signature: string;
  settings: WorkerSettings;
  gateway: Gateway;
  secretBox: SecretBox;
  logger: Logger;
}

/**
 * Builds the Workers `fetch` handler: the same `createGateway` as on Node, over services on Postgres
 * (postgres.js, one client per request, closed after the request's background work), the rate limiter
 * on Upstash Redis over REST, the key cache in isolate memory and the pure-JS SHA-256.
 *
 * The gateway is built once per isolate (its routes, key cache and usage counter are reused by every
 * request); the services it calls are the current request's, found through `AsyncLocalStorage`, since
 * a database connection may only serve the request that opened it. Jobs (payouts, lending work) are
 * written to the database in the request's transaction and worked by `lendwire worker` on Node;
 * events go to the outbox, where the workers' webhook dispatcher (or Svix) and notifier pick them up.
 *
 * A missing or bad binding answers 500 `application/problem+json` naming it, on every request, until
 * it is fixed: no stack trace, no secret value.
 */
export function createWorkerHandler(options: WorkerHandlerOptions = {}): WorkerHandler {
  const scopes = new AsyncLocalStorage<RequestScope>();
  const current = (): RequestScope => {
    const scope = scopes.getStore();
    if (!scope) throw new Error('Lendwire services are only reachable while a request is handled');
    return scope;
  };
  // Every property read goes to the current request's services.
  const services = new Proxy({} as Services, { get: (_target, name) => Reflect.get(current().services, name) });
  const enqueue = sendOnlyEnqueue({ schema: options.jobSchema });
  let built: Built | undefined;

  function gatewayFor(env: WorkerEnv): Built {
    if (built?.env === env) return built;
    const signature = signatureOf(env);
    if (built?.signature === signature) {
      built.env = env;
      return built;
    }
    const settings = workerSettings(env);
    const { config } = settings;
    const logger = options.logger ?? createJsonLogger({ level: config.LENDWIRE_LOG_LEVEL });
    const gateway = createGateway({
      services,
      now: () => new Date(),
      ping: () => current().database.ping(),
      logger,
      limiter: createUpstashRestRateLimiter(settings.upstash),
      rateLimitFail: config.LENDWIRE_RATELIMIT_FAIL,
      tiers: tierLimits(config),
      keyCacheTtlSeconds: config.LENDWIRE_KEY_CACHE_TTL,
      corsOrigins: config.LENDWIRE_CORS_ORIGINS,
      bodyLimit: config.LENDWIRE_BODY_LIMIT,
      clientIp: clientIpResolver(settings.clientIpHeader),
      readiness: {
        // The queues `lendwire migrate` creates: without them no withdrawal could be paid out.
        jobs: () => jobQueuesReady(current().database, options.jobSchema ?? 'pgboss'),
      },
    });
    logger.info('gateway ready on workers', { database: settings.database, limiter: 'upstash' });
    const secretBox = createSecretBox(parseEncryptionKey(settings.encryptionKey));
    built = { env, signature, settings, gateway, secretBox, logger };
    return built;
  }

  return {
    async fetch(request, env, ctx) {
      let state: Built;
      try {
        state = gatewayFor(env);
      } catch (error) {
        return configurationProblem(error, options.logger ?? fallbackLogger(env));
      }
      const { settings } = state;
      const database = openRequestDatabase(settings.databaseUrl);
      const requestServices = createServices({
        db: database.db,
        secretBox: state.secretBox,
        enqueue,
        // Only the simulator is built in: live payouts are refused rather than pretended, as on a Node server.
        liveRail: false,
        webhooks: { allowPrivateNetworks: settings.config.LENDWIRE_WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true' },
      });
      // Background work the app hands to waitUntil (usage flushes) runs before the connection closes.
      const background: Promise<unknown>[] = [];
      const executionCtx = {
        waitUntil: (promise: Promise<unknown>) => {
          background.push(promise);
        },
        passThroughOnException: () => ctx.passThroughOnException?.(),
        props: {},
      };
      try {
        return await scopes.run({ services: requestServices, database }, () =>
          state.gateway.fetch(request, env, executionCtx),
        );
      } finally {
        ctx.waitUntil(Promise.allSettled(background).then(() => database.close()));
      }
    },

    async scheduled(_controller, env, ctx) {
      let state: Built;
      try {
        state = gatewayFor(env);
      } catch (error) {
        configurationProblem(error, options.logger ?? fallbackLogger(env));
        return;
      }
      const database = openRequestDatabase(state.settings.databaseUrl);
      try {
        const purged = await createServices({ db: database.db }).idempotency.purgeExpired();
        state.logger.info('expired idempotency records purged', { purged });
      } finally {
        ctx.waitUntil(database.close());
      }
    },
  };
}

/** The logger for a configuration that could not be read: at its log level when that one is valid. */
function fallbackLogger(env: WorkerEnv): Logger {
  const level = env.LENDWIRE_LOG_LEVEL;
  const levels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
  return createJsonLogger(
    levels.includes(level as (typeof levels)[number]) ? { level: level as (typeof levels)[number] } : {},
  );
}

/** The bindings a gateway is built from; another value (a redeploy with new vars) builds a new one. */
function signatureOf(env: WorkerEnv): string {
  const parts: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (typeof value === 'string') parts.push(`${name}=${value}`);
    else if (name === 'HYPERDRIVE') parts.push(`${name}=${(value as { connectionString?: string })?.connectionString}`);
  }
  return parts.join('\n');
}

/** The queues the Worker sends to, which `lendwire migrate` defines. */
const QUEUES = [PAYOUT_JOB, LENDING_WORK_JOB, NOTIFICATION_SEND_JOB];

async function jobQueuesReady(database: RequestDatabase, schema: string): Promise<void> {
  let found: string[];
  try {
    const rows = await database.db.execute(
      sql`select name from ${sql.identifier(schema)}.queue where name in (${sql.join(
        QUEUES.map((q) => sql`${q}`),
        sql`, `,
      )})`,
    );
    found = rowsOf<{ name: string }>(rows).map((r) => r.name);
  } catch {
    found = [];
  }
  const missing = QUEUES.filter((q) => !found.includes(q));
  if (missing.length > 0) {
    throw new Error(`job queues missing (${missing.join(', ')}): run \`lendwire migrate\` on this database`);
  }
}

/** 500 problem+json for a bad configuration: the message names the bindings, never their values. */
function configurationProblem(error: unknown, log: Logger): Response {
  const requestId = `req_${crypto.randomUUID().replaceAll('-', '')}`;
  const detail =
    error instanceof ConfigError
      ? error.message
      : `The Worker could not start. Quote request id ${requestId} to support.`;
  log.error('worker configuration error', {
    requestId,
    ...(error instanceof ConfigError ? { detail } : loggableError(error)),
  });
  return new Response(JSON.stringify(problemBody('internal_error', detail, requestId)), {
    status: 500,
    headers: { ...SECURE_HEADERS, 'content-type': 'application/problem+json', 'x-request-id': requestId },
  });
}
