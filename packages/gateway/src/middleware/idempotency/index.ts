import type { Context, MiddlewareHandler, Next } from 'hono';
import { isSealed, seal, unseal } from '../../crypto/seal.js';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { requestHeader } from '../../request-headers.js';
import { matchedPolicy } from '../rate-limit/index.js';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
/**
 * Largest client-error body kept for replay. A 4xx is a verdict on the request, which a retry gets
 * again anyway; only a small one is worth storing, and a large one must not fill the table.
 */
export const MAX_STORED_ERROR_BYTES = 4096;
/** Response headers worth replaying; the rest (request id, rate limit) belong to the new request. */
const STORED_HEADERS = ['content-type', 'location', 'etag'];

/**
 * Idempotency for POSTs (DESIGN §3), stored in the database per account and mode for 24 h:
 * same key and same request → the stored response with `Idempotent-Replayed: true`; same key with
 * another method, path or body → 422; while the first is still running → 409. Server errors, 429s
 * and client errors over {@link MAX_STORED_ERROR_BYTES} are not stored, so a retry runs again. Routes that move money require the header. Responses that hold
 * a secret are stored sealed with a key derived from the caller's API key (see crypto/seal.ts).
 */
export function idempotency(middleware: ReadonlySet<unknown>): MiddlewareHandler<AppEnv> {
  // Not an async function itself: other methods pass straight on, without a promise of their own.
  return (c, next) => (c.req.method === 'POST' ? idempotentPost(c, next, middleware) : next());
}

/** The POST half of {@link idempotency}. */
async function idempotentPost(c: Context<AppEnv>, next: Next, middleware: ReadonlySet<unknown>) {
  const key = requestHeader(c, 'idempotency-key');
  const policy = matchedPolicy(c, middleware);
  if (key === undefined) {
    if (policy.requireIdempotencyKey) {
      throw new ApiError('invalid_header', 'This request moves money: send an Idempotency-Key header (e.g. a UUID)');
    }
    return next();
  }
  if (!KEY_FORMAT.test(key)) {
    throw new ApiError('invalid_header', 'Idempotency-Key must be 1-255 printable ASCII characters without spaces');
  }
  const { services, hash } = c.get('deps');
  const { tenant } = c.get('auth');
  const body = await c.req.text();
  const requestHash = hash(`${c.req.method}\n${c.req.path}\n${body}`);
  const begun = await services.idempotency.begin(tenant, {
    key,
    method: c.req.method,
    path: c.req.path,
    requestHash,
  });
  if (begun.kind === 'mismatch') {
    throw new ApiError(
      'idempotency_key_reused',
      `Idempotency-Key ${key} was already used with a different request; use a new key for a new request`,
    );
  }
  if (begun.kind === 'in_flight') {
    throw new ApiError(
      'idempotency_key_in_use',
      `A request with Idempotency-Key ${key} is still being processed; retry shortly`,
      {
        headers: { 'Retry-After': '1' },
      },
    );
  }
  if (begun.kind === 'replay') {
    const { status, headers } = begun.response;
    let stored: string | null = begun.response.body;
    if (isSealed(stored)) {
      stored = await unseal(stored, c.get('apiKeySecret'), key);
      if (stored === null) {
        throw new ApiError(
          'idempotency_key_reused',
          `Idempotency-Key ${key} was used by another API key; its response (which holds a secret) can only be replayed to the key that made it`,
        );
      }
    }
    return new Response(status === 204 ? null : stored, {
      status,
      headers: { ...headers, 'Idempotent-Replayed': 'true' },
    });
  }
  let completed = false;
  try {
    await next();
    const res = c.res;
    if (res.status < 500 && res.status !== 429) {
      const headers: Record<string, string> = {};
      for (const name of STORED_HEADERS) {
        const v = res.headers.get(name);
        if (v !== null) headers[name] = v;
      }
      const text = await res.clone().text();
      // Released instead (finally below): the retry runs again and gets the same verdict.
      if (res.status >= 400 && text.length > MAX_STORED_ERROR_BYTES) return;
      await services.idempotency.complete(tenant, key, {
        status: res.status,
        headers,
        body: policy.sensitiveResponse && res.ok ? await seal(text, c.get('apiKeySecret'), key) : text,
      });
      completed = true;
    }
  } finally {
    if (!completed) await services.idempotency.release(tenant, key);
  }
}
