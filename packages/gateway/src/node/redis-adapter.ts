import { createHash } from 'node:crypto';
import { Redis as IORedis } from 'ioredis';
import type { RateLimiter } from '../rate-limit/types.js';
import { createUpstashRateLimiter, type RateLimitRedis, RateLimitTimeoutError } from '../rate-limit/upstash.js';

/** Options of {@link createRedisTcpAdapter}. */
export interface RedisTcpAdapterOptions {
  /**
   * ioredis drops a command after this long even when the socket is open but Redis never answers, so
   * nothing piles up behind a limiter call that already timed out; the command then rejects with a
   * {@link RateLimitTimeoutError}. Default 2000 ms.
   */
  commandTimeoutMs?: number;
  /** Called with connection errors; ioredis reconnects by itself, so they are only worth logging. */
  onError?: (error: Error) => void;
}

/** A Redis connection shaped for `@upstash/ratelimit`. */
export interface RedisTcpAdapter {
  /** What `createUpstashRateLimiter` takes as `redis`. */
  redis: RateLimitRedis;
  close(): Promise<void>;
}

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/**
 * Removes a leading `#!lua …` line. `@upstash/ratelimit` ≥ 2.1 starts its scripts with
 * `#!lua flags=allow-key-locking`, a flag only Upstash knows: plain Redis 7 refuses the whole script. The flag
 * is only a locking optimisation, and without a shebang Redis runs the script with its default flags.
 */
export function stripLuaShebang(script: string): string {
  if (!script.startsWith('#!lua')) return script;
  const newline = script.indexOf('\n');
  return newline === -1 ? '' : script.slice(newline + 1);
}

/** The error Redis gives for an unknown SHA; `@upstash/ratelimit` falls back to EVAL when it sees `NOSCRIPT`. */
export const NOSCRIPT_MESSAGE = 'NOSCRIPT No matching script. Please use EVAL.';

/**
 * Rewrites `@upstash/ratelimit`'s EVAL/EVALSHA commands for a plain Redis. The library calls EVALSHA with the
 * SHA of its original script and falls back to EVAL on `NOSCRIPT`; Redis only ever sees the stripped script,
 * so the SHAs are translated here. Shared by the TCP adapter and the test REST bridge.
 */
export class LuaShebangScripts {
  /** SHA of a script as the library computes it → SHA of the stripped script Redis holds. */
  private readonly shas = new Map<string, string>();

  /**
   * Returns the command to send in place of `command` (`[name, ...args]`); commands other than EVAL/EVALSHA
   * come back unchanged. Throws a `NOSCRIPT` error for an EVALSHA whose script was never seen through
   * {@link rewrite}, without a round trip: Redis could not know it under that SHA anyway.
   */
  rewrite(command: readonly unknown[]): unknown[] {
    const name = String(command[0]).toLowerCase();
    if (name === 'eval' && typeof command[1] === 'string') {
      const script = command[1];
      const stripped = stripLuaShebang(script);
      if (stripped !== script) {
        const originalSha = sha1(script);
        if (!this.shas.has(originalSha)) this.shas.set(originalSha, sha1(stripped));
      }
      return [command[0], stripped, ...command.slice(2)];
    }
    if (name === 'evalsha' && typeof command[1] === 'string') {
      const stored = this.storedSha(command[1]);
      if (stored !== undefined) return [command[0], stored, ...command.slice(2)];
      // A script that had no shebang is stored by Redis under its own SHA, so only the library's are refused.
      throw new Error(NOSCRIPT_MESSAGE);
    }
    return [...command];
  }

  /** The SHA Redis holds the script under, for the SHA the library knows it by; undefined if never seen. */
  storedSha(sha: string): string | undefined {
    return this.shas.get(sha) ?? this.shas.get(sha.toLowerCase());
  }
}

/** Redis arguments from JSON-ish values: numbers and strings as they are, anything else as JSON. */
export function toRedisArgs(values: readonly unknown[]): (string | number)[] {
  return values.map((v) => (typeof v === 'number' || typeof v === 'string' ? v : v == null ? '' : JSON.stringify(v)));
}

/**
 * Connects to Redis over TCP (`redis://` or `rediss://`) with settings that make a dead Redis fail fast:
 * a rate-limit check sits on every request, so it must reject within the limiter timeout, never hang.
 */
export function createRedisTcpAdapter(url: string, options: RedisTcpAdapterOptions = {}): RedisTcpAdapter {
  const commandTimeoutMs = options.commandTimeoutMs ?? 2000;
  const client = new IORedis(url, {
    // No socket until the first command: building the gateway (e.g. to print its OpenAPI document) must
    // not need a reachable Redis.
    lazyConnect: true,
    // Commands issued while (re)connecting wait in the offline queue rather than failing at once, so a
    // cold start does not fail its first requests; they are flushed with an error after one failed
    // reconnect attempt, and commandTimeout bounds them anyway.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: commandTimeoutMs,
    // Rate-limit checks of the requests handled in one event-loop turn go out in one write (and one
    // read on Redis's side) instead of one each: about 3 µs less CPU per request and ~10% more
    // requests/s under load, measured with `pnpm bench:gateway`. Replies still map to their commands.
    enableAutoPipelining: true,
  });
  const onError = options.onError ?? (() => {});
  // Without a listener ioredis prints every reconnect failure as an unhandled error event.
  client.on('error', onError);
  const scripts = new LuaShebangScripts();
  // ioredis's command timeout rejects with a plain "Command timed out": make it the limiter's own error.
  const timedOut = (error: unknown) => {
    throw error instanceof Error && error.message === 'Command timed out'
      ? new RateLimitTimeoutError('redis command', commandTimeoutMs)
      : error;
  };
  const run = (command: unknown[]): Promise<unknown> => {
    try {
      const [name, ...args] = scripts.rewrite(command);
      return client.call(String(name), toRedisArgs(args)).catch(timedOut);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const redis: RateLimitRedis = {
    evalsha: (sha, keys, args) => {
      // The hot path (one call per rate-limit check): the library's SHA, translated, and its arguments,
      // which are numbers and strings already.
      const stored = scripts.storedSha(sha);
      if (stored === undefined) return Promise.reject(new Error(NOSCRIPT_MESSAGE));
      return client.evalsha(stored, keys.length, ...keys, ...toRedisArgs(args)).catch(timedOut);
    },
    eval: (script, keys, args) => run(['eval', script, keys.length, ...keys, ...args]),
    get: (key) => client.get(key).catch(timedOut),
    set: (key, value) => client.set(key, value).catch(timedOut),
  };
  return {
    redis,
    close: async () => {
      if (client.status === 'ready') {
        await client.quit().catch(() => client.disconnect());
      } else {
        // QUIT would first open the connection that was never needed.
        client.disconnect();
      }
    },
  };
}

/** Options of {@link createRedisRateLimiter}. */
export interface RedisRateLimiterOptions extends RedisTcpAdapterOptions {
  prefix?: string;
  /**
   * Per limiter call; see `createUpstashRateLimiter`. Default 1000 ms. When `commandTimeoutMs` is not
   * longer (by default it is the same), ioredis's command timeout enforces it and the limiter sets no
   * timer of its own: a check is then one command, a refused check of cost > 1 two.
   */
  timeoutMs?: number;
}

/** Creates the `redis` limiter: `@upstash/ratelimit` over a TCP connection; `close()` closes the connection. */
export function createRedisRateLimiter(url: string, options: RedisRateLimiterOptions = {}): RateLimiter {
  const timeoutMs = options.timeoutMs ?? 1000;
  const commandTimeoutMs = options.commandTimeoutMs ?? timeoutMs;
  const adapter = createRedisTcpAdapter(url, { ...options, commandTimeoutMs });
  const limiter = createUpstashRateLimiter({
    redis: adapter.redis,
    kind: 'redis',
    prefix: options.prefix,
    timeoutMs,
    // ioredis times each command out in time: no second timer per check.
    clientTimeouts: commandTimeoutMs <= timeoutMs,
  });
  return {
    kind: limiter.kind,
    limit: (request) => limiter.limit(request),
    tryLimit: (request) => limiter.tryLimit?.(request),
    ping: () => limiter.ping(),
    close: async () => {
      await limiter.close();
      await adapter.close();
    },
  };
}
