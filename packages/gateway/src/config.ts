import { parseApiKey, type Tier } from '@lendwire/contract';
import { parseEncryptionKey } from '@lendwire/core/domain';
import { z } from 'zod';

/** Requests allowed per window for one rate-limit tier. */
export interface TierLimit {
  requests: number;
  windowSeconds: number;
}

/** Default tier limits; override with `LENDWIRE_RATELIMIT_TIERS`. */
export const DEFAULT_TIERS: Record<Tier, TierLimit> = {
  free: { requests: 100, windowSeconds: 60 },
  growth: { requests: 1_000, windowSeconds: 60 },
  scale: { requests: 10_000, windowSeconds: 60 },
};

const tierLimit = z.object({
  requests: z.number().int().min(1),
  windowSeconds: z.number().int().min(1).max(86_400),
});

const port = z.coerce.number().int().min(0).max(65_535);

/** Environment variables the gateway reads, validated at start. */
export const ConfigSchema = z.object({
  PORT: port.default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  LENDWIRE_DATA_DIR: z.string().min(1).default('.lendwire'),
  LENDWIRE_ROOT_KEY: z
    .string()
    .refine((k) => parseApiKey(k).ok, 'must be a well-formed Lendwire key (run `lendwire keys generate`)')
    .optional(),
  LENDWIRE_ENCRYPTION_KEY: z
    .string()
    .refine((k) => {
      try {
        parseEncryptionKey(k);
        return true;
      } catch {
        return false;
      }
    }, 'must be 32 bytes as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  UPSTASH_REDIS_REST_URL: z.url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  LENDWIRE_RATELIMIT_FAIL: z.enum(['open', 'closed']).default('open'),
  /** `in-process` (default): this process also works jobs (payouts); `off`: only `lendwire worker`s do. */
  LENDWIRE_WORKERS: z.enum(['in-process', 'off']).default('in-process'),
  LENDWIRE_RATELIMIT_TIERS: z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"free":{"requests":100,"windowSeconds":60}}' });
        return z.NEVER;
      }
    })
    .pipe(z.object({ free: tierLimit, growth: tierLimit, scale: tierLimit }).partial().strict())
    .optional(),
  LENDWIRE_CORS_ORIGINS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.union([z.literal('*'), z.url()])))
    .default([]),
  LENDWIRE_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  LENDWIRE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  LENDWIRE_CLIENT_IP_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be a header name such as x-forwarded-for')
    .optional(),
  LENDWIRE_KEY_CACHE_TTL: z.coerce.number().int().min(0).max(30).default(30),
  /** Seconds between lending scheduler runs in each worker (collections, reminders, overdue marks); 0 = off. */
  LENDWIRE_SCHEDULER_INTERVAL: z.coerce.number().int().min(0).max(86_400).default(30),
  /**
   * Allow webhook endpoints on private, loopback and link-local addresses. Default: true on the
   * embedded store (local development), false with DATABASE_URL. Production must not set it.
   */
  LENDWIRE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.enum(['true', 'false']).optional(),
  /** Webhook request timeout in ms (default 15 s). */
  LENDWIRE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
  /**
   * The webhook retry schedule: comma-separated delays in ms before each attempt (default
   * `0,5000,300000,1800000,7200000,18000000,36000000,36000000`). Tests compress it.
   */
  LENDWIRE_WEBHOOK_SCHEDULE: z
    .string()
    .regex(/^\d+(,\d+){0,19}$/, 'must be up to 20 comma-separated delays in ms, e.g. 0,1000,5000')
    .transform((s) => s.split(',').map(Number))
    .optional(),
  /** `builtin` (default): this deployment's dispatcher delivers webhooks; `off`: none in this process. */
  LENDWIRE_WEBHOOKS: z.enum(['builtin', 'off']).default('builtin'),
  /**
   * `/readyz` reports this process's webhook engine as failing when the oldest due delivery or the
   * oldest event not fanned out is older than this many seconds (default 300).
   */
  LENDWIRE_WEBHOOK_LAG_ALERT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** With a Svix API key, events go to Svix (one application per account and mode) instead of the built-in dispatcher. */
  SVIX_API_KEY: z.string().min(1).optional(),
  /** Svix's API base URL (default: from the key's region, else https://api.svix.com). */
  SVIX_SERVER_URL: z.url().optional(),
});

/** Validated configuration. */
export type Config = z.output<typeof ConfigSchema>;

/** A bad configuration variable, named in a one-line message. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment. Throws {@link ConfigError} naming the first bad variable, e.g.
 * `Invalid configuration: LENDWIRE_RATELIMIT_FAIL must be one of "open", "closed" (got "maybe")`.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = ConfigSchema.safeParse(clean);
  if (result.success) {
    const c = result.data;
    if ((c.UPSTASH_REDIS_REST_URL === undefined) !== (c.UPSTASH_REDIS_REST_TOKEN === undefined)) {
      throw new ConfigError('Invalid configuration: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN go together');
    }
    return c;
  }
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  const field = issue.path.length > 1 ? ` (at ${issue.path.slice(1).join('.')})` : '';
  const got = clean[name];
  const shown = got === undefined || /KEY|TOKEN|URL/.test(name) ? '' : ` (got ${JSON.stringify(got)})`;
  let message = issue.message;
  if (issue.code === 'invalid_value')
    message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  else if (issue.code === 'invalid_type')
    message = `must be a ${issue.expected === 'number' ? 'number' : issue.expected}`;
  throw new ConfigError(`Invalid configuration: ${name}${field} ${message}${shown}`);
}

/** Tier limits after applying `LENDWIRE_RATELIMIT_TIERS`. */
export function tierLimits(config: Pick<Config, 'LENDWIRE_RATELIMIT_TIERS'>): Record<Tier, TierLimit> {
  return { ...DEFAULT_TIERS, ...config.LENDWIRE_RATELIMIT_TIERS };
}
