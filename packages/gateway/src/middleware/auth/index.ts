import { type Account, expandScopes, isId, parseApiKey, type Scope } from '@lendwire/contract';
import type { KeyAuthRecord } from '@lendwire/core';
import type { Context } from 'hono';
import type { AppEnv, AuthContext, GatewayDeps } from '../../env.js';
import { ipAllowed, parseIp } from '../../ip/cidr.js';
import { ApiError } from '../../problem.js';
import { requestHeader } from '../../request-headers.js';
import { addResponseHeaders } from '../envelope/index.js';
import { FailureGate } from './failure-gate.js';

/** Reads the client's IP for allowlists. */
export type ClientIpResolver = (c: Context<AppEnv>) => string | undefined;

/**
 * Default client IP: the value of a trusted proxy header when configured (its last entry), otherwise
 * the socket address Node's adapter exposes. On runtimes without either, allowlisted keys are refused.
 */
export function clientIpResolver(trustedHeader?: string): ClientIpResolver {
  return (c) => {
    if (trustedHeader) {
      const value = requestHeader(c, trustedHeader);
      // The rightmost entry is the one the trusted proxy appended; entries left of it are client-supplied.
      const last = value?.slice(value.lastIndexOf(',') + 1).trim();
      // Anything but an address is no address: junk must not buy a fresh failed-auth budget per
      // value, nor be echoed back.
      return last && last.length <= 64 && !last.includes('%') && parseIp(last) ? last : undefined;
    }
    const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
    return env?.incoming?.socket?.remoteAddress;
  };
}

const REASONS = {
  prefix: 'must start with lw_test_ or lw_live_',
  length: 'has the wrong length (44 characters expected)',
  charset: 'contains characters outside 0-9A-Za-z',
  checksum: 'fails its checksum (mistyped or truncated?)',
} as const;

/** What a key lookup needs beyond the hash: who is asking, and whether they may still ask. */
interface LookupGuard {
  /** The client address, or `unknown`; resolved only when needed (never for a cached valid key). */
  readonly address: string;
  /** Throws the 429 when the address is over its failed-authentication budget. */
  admit(): void;
}

async function lookup(c: Context<AppEnv>, hash: string, guard: LookupGuard): Promise<KeyAuthRecord | null> {
  const { keyCache, services } = c.get('deps');
  const cached = keyCache.get(hash);
  if (cached) return cached;
  // An unknown or uncached key from an address over its budget costs nothing more.
  guard.admit();
  if (cached === null) return null;
  const record = await services.apiKeys.authenticate(hash);
  keyCache.set(hash, record, guard.address);
  return record;
}

async function findAccount(c: Context<AppEnv>, id: string): Promise<Account | null> {
  const { keyCache, services } = c.get('deps');
  const cached = keyCache.getAccount(id);
  if (cached !== undefined) return cached;
  const account = await services.accounts.get(id);
  keyCache.setAccount(id, account);
  return account;
}

/** How many `Authorization` header lines the request has (Node keeps only the first in `headers`). */
function authorizationLines(c: Context<AppEnv>, header: string): number {
  // Web Headers join repeated lines with ", "; no key holds a comma, so one means two credentials.
  if (header.includes(',')) return 2;
  const raw = (c.env as { incoming?: { rawHeaders?: string[] } } | undefined)?.incoming?.rawHeaders;
  if (!raw) return 1;
  let lines = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 13 && name.toLowerCase() === 'authorization') lines++;
  }
  return lines;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const INVALID_TOKEN = { headers: { 'WWW-Authenticate': 'Bearer realm="lendwire", error="invalid_token"' } };

/** The key of the Authorization header, or throws the 400/401 problem for a missing or malformed one. */
function presentedKey(c: Context<AppEnv>): string {
  const header = requestHeader(c, 'authorization');
  if (header && authorizationLines(c, header) > 1) {
    // Proxies disagree on which of several wins; refuse rather than pick one.
    throw new ApiError('invalid_header', 'Send exactly one Authorization header');
  }
  if (!header) {
    throw new ApiError('api_key_missing', 'Send your API key as `Authorization: Bearer lw_test_…`', {
      headers: { 'WWW-Authenticate': 'Bearer realm="lendwire"' },
    });
  }
  // The common shape, `Bearer <printable ASCII>`, without a regular expression; anything else
  // (other case, more spaces, tabs, trailing space, …) takes the expression's full rules.
  if (header.startsWith('Bearer ') && isToken(header, 7)) return header.slice(7);
  const match = BEARER.exec(header);
  if (!match) {
    throw new ApiError('api_key_malformed', 'The Authorization header must be `Bearer <key>`', INVALID_TOKEN);
  }
  return match[1] as string;
}

/** True when `text` from `start` on is one or more characters from `!` to `~` (no space of any kind). */
function isToken(text: string, start: number): boolean {
  if (text.length <= start) return false;
  for (let i = start; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

/** Throws the 401 of a key that was found but may no longer be used: revoked, expired, rotated out. */
function checkUsable(record: KeyAuthRecord, now: number): void {
  if (record.revoked) throw new ApiError('api_key_revoked', 'This API key has been revoked', INVALID_TOKEN);
  if (record.keyExpiresAt !== null && now >= record.keyExpiresAt) {
    throw new ApiError(
      'api_key_expired',
      `This API key expired at ${new Date(record.keyExpiresAt).toISOString()}`,
      INVALID_TOKEN,
    );
  }
  if (record.secretExpiresAt !== null && now >= record.secretExpiresAt) {
    throw new ApiError(
      'api_key_expired',
      `This secret was rotated out; its grace period ended at ${new Date(record.secretExpiresAt).toISOString()}. Use the new secret.`,
      INVALID_TOKEN,
    );
  }
}

/** Checks the Authorization header and returns the key's record, or throws a 401 problem. */
async function verifyKey(c: Context<AppEnv>, key: string, guard: LookupGuard): Promise<KeyAuthRecord> {
  const parsed = parseApiKey(key);
  if (!parsed.ok) {
    throw new ApiError('api_key_malformed', `The API key ${REASONS[parsed.reason]}`, INVALID_TOKEN);
  }
  const deps = c.get('deps');
  const record = await lookup(c, deps.hash(key), guard);
  if (!record) throw new ApiError('api_key_invalid', 'No API key matches the one sent', INVALID_TOKEN);
  checkUsable(record, deps.nowMs());
  return record;
}

/**
 * Requests that fail authentication are limited per client IP (policy `unauthenticated`), so keys
 * cannot be guessed at line rate: past the limit they get 429 instead of 401. Carries the rate-limit
 * headers either way. A limiter outage never turns a 401 into anything else.
 */
async function throttleFailure(
  c: Context<AppEnv>,
  address: string,
  gate: FailureGate,
  failure: ApiError,
): Promise<void> {
  const deps = c.get('deps');
  const { requests, windowSeconds } = deps.unauthenticatedLimit;
  const policy = `"unauthenticated";q=${requests};w=${windowSeconds}`;
  let result: Awaited<ReturnType<typeof deps.limiter.limit>>;
  try {
    result = await deps.limiter.limit({
      identifier: `unauthenticated:${address}`,
      limit: requests,
      windowSeconds,
      cost: 1,
    });
  } catch {
    return;
  }
  const headers = {
    'RateLimit-Policy': policy,
    RateLimit: `"unauthenticated";r=${result.remaining};t=${result.resetSeconds}`,
  };
  addResponseHeaders(c, headers);
  if (!result.allowed) {
    const retryAfter = String(Math.max(1, result.resetSeconds));
    gate.block(address, result.resetSeconds);
    throw new ApiError(
      'rate_limited',
      `Too many failed authentication attempts from this address; retry in ${retryAfter} s`,
      {
        headers: { ...headers, 'Retry-After': retryAfter },
        cause: failure.code,
      },
    );
  }
}

/**
 * API key authentication (DESIGN §3). The key's format and checksum are checked before any lookup;
 * the lookup is by SHA-256 through the in-process cache; expiry, rotation grace and revocation are
 * checked against the clock on every request. Then the IP allowlist and `Lendwire-Account`.
 * Sets `auth` on the context, or throws the refusal.
 *
 * A plain function, so the gateway can run it and the checks after it in one middleware layer. It
 * returns nothing when it could decide synchronously, which is the common case (a cached valid key,
 * no `Lendwire-Account` to look up): the request then costs one hash and a few map lookups. A key
 * that hits the cache needs no format check (only well-formed keys are ever stored); every other
 * path returns a promise.
 */
export function authenticator(
  resolveIp: ClientIpResolver,
  now: () => number = Date.now,
): (c: Context<AppEnv>) => Promise<void> | undefined {
  const gate = new FailureGate(now);
  // Cached records are reused across requests: the auth context of a key acting for its own account
  // (scopes expanded, rate-limit policy chosen) is built once per record.
  const contexts = new WeakMap<KeyAuthRecord, AuthContext>();
  const ownContext = (deps: GatewayDeps, record: KeyAuthRecord): AuthContext => {
    let auth = contexts.get(record);
    if (!auth) {
      auth = authContext(deps, record, record.account, null, expandScopes(record.scopes, record.account.platform));
      contexts.set(record, auth);
    }
    return auth;
  };

  /** The IP allowlist and `Lendwire-Account`, once the key is known; a promise only for an account lookup. */
  const admitRecord = (
    c: Context<AppEnv>,
    key: string,
    record: KeyAuthRecord,
    clientIp?: () => string | undefined,
  ): Promise<void> | undefined => {
    if (record.ipAllowlist && record.ipAllowlist.length > 0) {
      const ip = clientIp ? clientIp() : resolveIp(c);
      if (!ip || !ipAllowed(record.ipAllowlist, ip)) {
        // `ip` is a parsed address or nothing: a header's junk is never echoed.
        throw new ApiError(
          'ip_not_allowed',
          `Requests from ${ip ?? 'an unknown address'} are not allowed for this key`,
        );
      }
    }
    const deps = c.get('deps');
    const own = ownContext(deps, record);
    c.set('apiKeySecret', key);
    const target = requestHeader(c, 'lendwire-account');
    if (!target || target === record.accountId) {
      c.set('auth', own);
      return undefined;
    }
    if (!isId('account', target)) {
      throw new ApiError('invalid_header', 'Lendwire-Account must be an account id (acct_…)');
    }
    if (!record.account.platform) {
      throw new ApiError('account_header_not_allowed', 'Only platform keys may act for another account');
    }
    return findAccount(c, target).then((found) => {
      if (!found) throw new ApiError('not_found', `No account ${target} (from the Lendwire-Account header)`);
      c.set('auth', authContext(deps, record, found, found.id, own.scopes));
    });
  };

  /** Every case but a cached valid key: lookups, the failed-authentication budget, account look-ups. */
  const authenticateSlowly = async (c: Context<AppEnv>, key: string | undefined, early?: unknown) => {
    // Resolved on first use: a valid key without an allowlist never needs the address.
    let resolved: { ip: string | undefined } | undefined;
    const clientIp = () => {
      resolved ??= { ip: resolveIp(c) };
      return resolved.ip;
    };
    const guard: LookupGuard = {
      get address() {
        return clientIp() ?? 'unknown';
      },
      admit() {
        const wait = gate.retryAfter(guard.address);
        if (wait > 0) {
          const { requests, windowSeconds } = c.get('deps').unauthenticatedLimit;
          throw new ApiError(
            'rate_limited',
            `Too many failed authentication attempts from this address; retry in ${wait} s`,
            {
              headers: {
                'RateLimit-Policy': `"unauthenticated";q=${requests};w=${windowSeconds}`,
                RateLimit: `"unauthenticated";r=0;t=${wait}`,
                'Retry-After': String(wait),
              },
            },
          );
        }
      },
    };
    let record: KeyAuthRecord;
    try {
      if (early !== undefined) throw early;
      record = await verifyKey(c, key as string, guard);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // Missing and malformed keys never reach a lookup, but they count against the address too.
        guard.admit();
        await throttleFailure(c, guard.address, gate, error);
      }
      throw error;
    }
    await admitRecord(c, key as string, record, clientIp);
  };

  return (c) => {
    let key: string;
    try {
      key = presentedKey(c);
    } catch (error) {
      return authenticateSlowly(c, undefined, error);
    }
    const deps = c.get('deps');
    const record = deps.keyCache.get(deps.hash(key));
    if (!record) return authenticateSlowly(c, key);
    try {
      checkUsable(record, deps.nowMs());
    } catch (error) {
      return authenticateSlowly(c, key, error);
    }
    return admitRecord(c, key, record);
  };
}

/** The auth context of a key acting for `account` (its own, or one named by `Lendwire-Account`). */
function authContext(
  deps: GatewayDeps,
  record: KeyAuthRecord,
  account: Account,
  actingAs: string | null,
  scopes: Set<Scope>,
): AuthContext {
  const tier = record.account.tier;
  const policy = record.rateLimit
    ? { name: 'key' as const, limit: record.rateLimit, identifier: record.keyId }
    : {
        name: tier,
        limit: deps.tiers[tier],
        identifier: `${record.accountId}:${record.livemode ? 'live' : 'test'}`,
      };
  return {
    record,
    keyId: record.keyId,
    keyAccount: record.account,
    account,
    actingAs,
    livemode: record.livemode,
    tenant: { accountId: account.id, livemode: record.livemode },
    scopes,
    policy: { ...policy, header: `"${policy.name}";q=${policy.limit.requests};w=${policy.limit.windowSeconds}` },
  };
}
