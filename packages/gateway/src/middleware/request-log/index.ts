import type { Context } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../../env.js';
import type { Logger } from '../../logger.js';

/**
 * One structured line per request: method, route pattern, status, duration, request id, key id and
 * account. It never logs headers, bodies or query strings, so secrets cannot reach the log.
 * Also counts the response in the key's usage. Call it once the response is set; `started` is the
 * `performance.now()` of the request's start. The envelope calls it (one middleware layer fewer).
 */
export function logRequest(c: Context<AppEnv>, logger: Logger, started: number): void {
  const auth = c.get('auth');
  const status = c.res.status;
  // Fields (and the route lookup) are only built when the line is written.
  if (logger.enabled?.('info') ?? true) {
    logger.info('request', {
      method: c.req.method,
      route: routePath(c, -1),
      status,
      ms: Math.round((performance.now() - started) * 100) / 100,
      requestId: c.get('requestId'),
      clientRequestId: c.get('clientRequestId'),
      keyId: auth?.keyId,
      account: auth?.account.id,
    });
  }
  if (auth) {
    const flushing = c.get('deps').usage.record(auth.keyId, status);
    if (flushing) waitUntil(c, flushing);
  }
}

/** Keeps a background promise alive where the runtime needs to be told (Workers), else just lets it run. */
export function waitUntil(c: { executionCtx: { waitUntil(p: Promise<unknown>): void } }, promise: Promise<unknown>) {
  try {
    c.executionCtx.waitUntil(promise);
  } catch {
    // No execution context (Node, tests): the promise runs on its own.
  }
}
