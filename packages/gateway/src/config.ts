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
  /**
   * `on` (default): this process makes notifications from events (where workers run); `off`: none
   * in this process.
   */
  LENDWIRE_NOTIFICATIONS: z.enum(['on', 'off']).default('on'),
  /**
   * SMTP server for notification e-mail, e.g. `smtps://user:pass@smtp.example.com:465` or
   * `smtp://127.0.0.1:2525`. Unset: e-mails are written as `.eml` files under
   * `<LENDWIRE_DATA_DIR>/outbox/email` (embedded default, for development).
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  /** `From` of notification e-mail. */
  LENDWIRE_EMAIL_FROM: z.string().min(3).max(200).default('Lendwire <notifications@lendwire.localhost>'),
  /**
   * SMS transport: `outbox` (default) writes each message to `<LENDWIRE_DATA_DIR>/outbox/sms`;
   * `twilio` sends through Twilio's REST API with `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `TWILIO_FROM`.
   */
  LENDWIRE_SMS: z.enum(['outbox', 'twilio']).default('outbox'),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID (AC + 32 hex)')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  /** Sender: an E.164 number or a Messaging Service SID (`MG…`). */
  TWILIO_FROM: z.string().min(1).optional(),
  /** Twilio's API base URL (default https://api.twilio.com); tests point it elsewhere. */
  TWILIO_API_URL: z.url().optional(),
  /**
   * Retries of a notification e-mail or SMS after a transport failure (default 8), and the seconds
   * before the first (default 30, then doubling with jitter up to an hour).
   */
  LENDWIRE_NOTIFICATION_RETRIES: z.coerce.number().int().min(0).max(20).default(8),
  LENDWIRE_NOTIFICATION_RETRY_DELAY: z.coerce.number().int().min(1).max(3600).default(30),
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
    if (c.LENDWIRE_SMS === 'twilio') {
      const missing = (['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const).filter((k) => !c[k]);
      if (missing.length > 0) {
        throw new ConfigError(`Invalid configuration: LENDWIRE_SMS=twilio needs ${missing.join(', ')}`);
      }
    }
    return c;
  }
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  const field = issue.path.length > 1 ? ` (at ${issue.path.slice(1).join('.')})` : '';
  const got = clean[name];
  const shown = got === undefined || /KEY|TOKEN|URL|SID/.test(name) ? '' : ` (got ${JSON.stringify(got)})`;
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
