import { type Config, ConfigError, loadConfig } from '../config.js';

/** A Hyperdrive binding: Cloudflare's pooled, cached route to the database. */
export interface HyperdriveBinding {
  connectionString: string;
}

/**
 * The bindings the Worker reads (secrets and vars in `wrangler.toml`, or a Hyperdrive binding).
 * Required: a database (`HYPERDRIVE` or `DATABASE_URL`), `UPSTASH_REDIS_REST_URL`,
 * `UPSTASH_REDIS_REST_TOKEN` and `LENDWIRE_ENCRYPTION_KEY`. The other `LENDWIRE_*` settings of the
 * Node gateway that make sense per request are read too, with the same validation.
 */
export interface WorkerEnv {
  /** `postgres://…` of the database `lendwire migrate` prepared (used when there is no `HYPERDRIVE`). */
  DATABASE_URL?: string;
  /** Hyperdrive in front of that database (production): wins over `DATABASE_URL`. */
  HYPERDRIVE?: HyperdriveBinding;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  /** The key the Node workers decrypt bank account numbers with: the same on every instance. */
  LENDWIRE_ENCRYPTION_KEY?: string;
  LENDWIRE_RATELIMIT_FAIL?: string;
  LENDWIRE_RATELIMIT_TIERS?: string;
  LENDWIRE_CORS_ORIGINS?: string;
  LENDWIRE_BODY_LIMIT?: string;
  LENDWIRE_LOG_LEVEL?: string;
  /** Default `CF-Connecting-IP`, which Cloudflare sets to the client's address. */
  LENDWIRE_CLIENT_IP_HEADER?: string;
  LENDWIRE_KEY_CACHE_TTL?: string;
  LENDWIRE_WEBHOOK_ALLOW_PRIVATE_NETWORKS?: string;
  [binding: string]: unknown;
}

/** The Worker's validated settings. */
export interface WorkerSettings {
  config: Config;
  /** Where the database is: Hyperdrive's connection string or `DATABASE_URL`. */
  databaseUrl: string;
  /** `hyperdrive` or `url`, for the logs. */
  database: 'hyperdrive' | 'url';
  upstash: { url: string; token: string };
  encryptionKey: string;
  clientIpHeader: string;
}

/** Variables of the Node gateway that mean nothing on a Worker (no port, no local store, no workers). */
const NODE_ONLY = new Set(['PORT', 'HOST', 'LENDWIRE_DATA_DIR', 'REDIS_URL', 'LENDWIRE_WORKERS']);

/**
 * Reads the Worker's bindings. Throws a {@link ConfigError} that names every missing binding, or the
 * first bad one (its value is never shown for URLs, keys and tokens).
 */
export function workerSettings(env: WorkerEnv): WorkerSettings {
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === 'string' && !NODE_ONLY.has(name)) strings[name] = value;
  }
  const hyperdrive = hyperdriveOf(env.HYPERDRIVE);
  const missing = [
    ...(hyperdrive || strings.DATABASE_URL ? [] : ['DATABASE_URL (or a Hyperdrive binding named HYPERDRIVE)']),
    ...(['UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN', 'LENDWIRE_ENCRYPTION_KEY'] as const).filter(
      (name) => !strings[name],
    ),
  ];
  if (missing.length > 0) {
    throw new ConfigError(
      `Invalid configuration: the Worker is missing the binding${missing.length === 1 ? '' : 's'} ${missing.join(', ')}. Set secrets with \`wrangler secret put <NAME>\` (see examples/edge-worker/README.md)`,
    );
  }
  const config = loadConfig(hyperdrive ? { ...strings, DATABASE_URL: hyperdrive } : strings);
  return {
    config,
    databaseUrl: config.DATABASE_URL as string,
    database: hyperdrive ? 'hyperdrive' : 'url',
    upstash: { url: config.UPSTASH_REDIS_REST_URL as string, token: config.UPSTASH_REDIS_REST_TOKEN as string },
    encryptionKey: config.LENDWIRE_ENCRYPTION_KEY as string,
    clientIpHeader: config.LENDWIRE_CLIENT_IP_HEADER ?? 'cf-connecting-ip',
  };
}

function hyperdriveOf(binding: unknown): string | undefined {
  const connectionString = (binding as Partial<HyperdriveBinding> | undefined)?.connectionString;
  return typeof connectionString === 'string' && connectionString !== '' ? connectionString : undefined;
}
