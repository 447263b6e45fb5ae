import type { Account, Scope, Tier } from '@lendwire/contract';
import type { KeyAuthRecord, Services, TenantScope } from '@lendwire/core';
import type { KeyCache } from './auth/key-cache.js';
import type { TierLimit } from './config.js';
import type { Logger } from './logger.js';
import type { RateLimiter } from './rate-limit/types.js';
import type { RoutePolicy } from './routes/define.js';
import type { DocsScript } from './routes/service/docs.js';
import type { UsageRecorder } from './usage.js';

/** Who is calling, established by the auth middleware. */
export interface AuthContext {
  /** The key's record (its own account, scopes, limits). */
  record: KeyAuthRecord;
  keyId: string;
  /** The account the key belongs to. */
  keyAccount: Account;
  /** The account the request acts on: the key's, or the one named by `Lendwire-Account`. */
  account: Account;
  /** Set when a platform key acts for a partner via `Lendwire-Account`. */
  actingAs: string | null;
  livemode: boolean;
  /** Tenant every query of this request is scoped to. */
  tenant: TenantScope;
  /** Effective scopes (`*` expanded). */
  scopes: Set<Scope>;
  /** The rate limit that applies to this key, and its `RateLimit-Policy` header. */
  policy: { name: Tier | 'key'; limit: TierLimit; identifier: string; header: string };
}

/** Services and settings every handler reaches through the context (never globals). */
export interface GatewayDeps {
  services: Services;
  logger: Logger;
  limiter: RateLimiter;
  keyCache: KeyCache;
  usage: UsageRecorder;
  hash: (input: string) => string;
  now: () => Date;
  /** `now` in epoch milliseconds, for the hot path (no Date allocated). */
  nowMs: () => number;
  tiers: Record<Tier, TierLimit>;
  rateLimitFail: 'open' | 'closed';
  /** Budget per client IP for requests that fail authentication. */
  unauthenticatedLimit: TierLimit;
  /** Checks for `/readyz` beyond the database and limiter (e.g. workers). */
  readiness: Record<string, () => Promise<void>>;
  ping: () => Promise<void>;
  /** Runs a test tenant's due work (see `GatewayOptions.runDueWork`). */
  runDueWork: ((scope: TenantScope, until: Date) => Promise<void>) | undefined;
  /** Counters exposed on `/readyz`. */
  metrics: { limiterFailures: number };
  /** The `/docs` page's script, loaded on first use (see `GatewayOptions.docsScript`); none without it. */
  docsScript: (() => Promise<DocsScript>) | undefined;
}

/** The Hono environment of the gateway app. */
export interface AppEnv {
  Variables: {
    requestId: string;
    deps: GatewayDeps;
    auth: AuthContext;
    /**
     * The presented API key, kept only in memory for this request: it seals idempotent responses
     * that carry secrets. Never log it.
     */
    apiKeySecret: string;
    /** Headers every response of this request carries (lower-case names), built up by the middleware. */
    responseHeaders: Record<string, string>;
    /** The matched route's policy, once looked up. */
    policy: RoutePolicy;
    /** The client's own `X-Request-Id`, when it has a safe format; never used as ours. */
    clientRequestId: string | undefined;
  };
}
