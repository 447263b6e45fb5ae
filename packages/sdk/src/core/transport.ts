import type { Problem } from '@lendwire/contract';
import ky, { isKyError, NetworkError, TimeoutError } from 'ky';
import { APIPromise, type WithResponse } from './api-promise.js';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, LendwireError } from './errors.js';
import { type Logger, redactHeaders } from './logger.js';
import { parseRateLimit, parseRetryAfter } from './rate-limit.js';

/** Options every method accepts as its last argument. */
export interface RequestOptions {
  /** Per-attempt timeout in ms (default: the client's, 60 000). */
  timeout?: number;
  /** Retries after the first attempt (default: the client's, 2). */
  maxRetries?: number;
  /**
   * Idempotency key of a POST. One is generated when omitted and reused across the automatic
   * retries of that call; pass your own to make retries across processes safe too.
   */
  idempotencyKey?: string;
  /** Aborts the request (and its retries). */
  signal?: AbortSignal;
  /** Extra headers for this request. */
  headers?: Record<string, string>;
  /** Act for this partner account (`Lendwire-Account`), overriding the client's `account`. */
  account?: string;
}

/** Settings the transport needs from the client. */
export interface TransportConfig {
  apiKey: string;
  baseUrl: string;
  timeout: number;
  maxRetries: number;
  fetch: typeof fetch | undefined;
  logger: Logger;
  defaultHeaders: Record<string, string>;
  account: string | undefined;
  userAgent: string;
}

/** One API call as the resources describe it. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined> | undefined;
  body?: unknown;
  options?: RequestOptions | undefined;
}

/** The longest server-requested wait the SDK honours before retrying (ms). */
export const MAX_RETRY_AFTER_MS = 60_000;
const INITIAL_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 8_000;

/** Whether a response status is worth retrying. 409 only when the server says the key is in flight. */
export function isRetryableStatus(status: number, problem: Problem | undefined): boolean {
  if (status === 409) return problem?.code === 'idempotency_key_in_use';
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Delay before retry number `retry` (1-based): the server's `Retry-After` (seconds or HTTP date) or,
 * on 429, the `t=` of `RateLimit`, capped at {@link MAX_RETRY_AFTER_MS}; otherwise exponential backoff
 * (0.5 s, 1 s, 2 s … up to 8 s) with up to 25 % jitter below it.
 */
export function retryDelayMs(
  retry: number,
  headers: Headers | undefined,
  random: () => number = Math.random,
  status?: number,
): number {
  const retryAfter = parseRetryAfter(headers?.get('retry-after') ?? null);
  if (retryAfter !== undefined) return Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS);
  // A 429 without Retry-After: wait for the window the RateLimit field says is exhausted.
  const state = status === 429 && headers ? parseRateLimit(headers) : undefined;
  if (state?.remaining === 0 && state.resetSeconds !== undefined) {
    return Math.min(state.resetSeconds * 1000, MAX_RETRY_AFTER_MS);
  }
  const base = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** (retry - 1), MAX_RETRY_DELAY_MS);
  return base * (1 - random() * 0.25);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isBrowser(): boolean {
  const g = globalThis as { window?: unknown; document?: unknown };
  return typeof g.window !== 'undefined' && typeof g.document !== 'undefined';
}

function newIdempotencyKey(): string {
  return `lw-sdk-${crypto.randomUUID()}`;
}

async function readProblem(response: Response): Promise<{ problem: Problem | undefined; text: string }> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as Problem;
    return { problem: parsed && typeof parsed === 'object' && 'status' in parsed ? parsed : undefined, text };
  } catch {
    return { problem: undefined, text };
  }
}

/** Sends requests with retries, timeouts, idempotency keys and error mapping. Resources never touch fetch. */
export class Transport {
  readonly #ky: typeof ky;

  constructor(readonly config: TransportConfig) {
    this.#ky = ky.create({
      prefix: config.baseUrl,
      retry: 0, // retries are ours: POSTs included, with Retry-After and one idempotency key
      throwHttpErrors: false,
      ...(config.fetch ? { fetch: config.fetch } : {}),
    });
  }

  /** Starts a request and returns its {@link APIPromise}. */
  request<T>(spec: RequestSpec): APIPromise<T> {
    return new APIPromise(this.#send<T>(spec));
  }

  /** Starts a request and resolves with the parsed body and response metadata. */
  send<T>(spec: RequestSpec): Promise<WithResponse<T>> {
    return this.#send<T>(spec);
  }

  async #send<T>(spec: RequestSpec): Promise<WithResponse<T>> {
    const { config } = this;
    const options = spec.options ?? {};
    const maxRetries = options.maxRetries ?? config.maxRetries;
    const timeout = options.timeout ?? config.timeout;
    // A Headers object, not a record: names are case-insensitive, so a caller's `idempotency-key` or
    // `lendwire-account` replaces ours instead of being sent next to it as `ours, theirs`.
    const headers = new Headers({ Accept: 'application/json' });
    // Browsers own User-Agent (setting it forces a CORS preflight in some); elsewhere it names the SDK.
    if (!isBrowser()) headers.set('User-Agent', config.userAgent);
    for (const [name, value] of Object.entries(config.defaultHeaders)) headers.set(name, value);
    headers.set('Authorization', `Bearer ${config.apiKey}`);
    const account = options.account ?? config.account;
    if (account) headers.set('Lendwire-Account', account);
    if (spec.method === 'POST') headers.set('Idempotency-Key', options.idempotencyKey ?? newIdempotencyKey());
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    const searchParams: Record<string, string> = {};
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) searchParams[k] = String(v);
    const path = spec.path.replace(/^\//, '');

    for (let attempt = 0; ; attempt++) {
      const retriesLeft = maxRetries - attempt;
      config.logger.debug(`${spec.method} ${spec.path} attempt ${attempt + 1}`, {
        headers: redactHeaders(Object.fromEntries(headers)),
      });
      let response: Response;
      try {
        response = await this.#ky(path, {
          method: spec.method,
          headers,
          searchParams,
          ...(spec.body !== undefined ? { json: spec.body } : {}),
          timeout,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (caught) {
        // ky's errors carry the Request, Authorization header included, and printing an error prints
        // its cause: pass on what ky wrapped (the fetch failure), never ky's error itself.
        const error = isKyError(caught) ? caught.cause : caught;
        if (options.signal?.aborted) throw new APIUserAbortError(undefined, { cause: error });
        const timedOut = caught instanceof TimeoutError;
        // Only failures to get a response are retried; anything else (a bad header value, a bug in a
        // custom fetch) fails at once.
        const transient = timedOut || caught instanceof NetworkError;
        if (!transient) {
          if (error instanceof LendwireError) throw error;
          throw new LendwireError(`Request failed: ${caught instanceof Error ? caught.message : String(caught)}`, {
            cause: error,
          });
        }
        if (retriesLeft > 0) {
          const delay = retryDelayMs(attempt + 1, undefined);
          config.logger.info(
            `${spec.method} ${spec.path} ${timedOut ? 'timed out' : 'failed to connect'}; retrying in ${Math.round(delay)} ms (${retriesLeft} left)`,
          );
          await sleep(delay, options.signal);
          continue;
        }
        if (timedOut) throw new APIConnectionTimeoutError(`Request timed out after ${timeout} ms`, { cause: error });
        if (error instanceof LendwireError) throw error;
        const reason = caught instanceof Error ? caught.message : String(caught);
        throw new APIConnectionError(`Connection error: ${reason}`, { cause: error });
      }

      const requestId = response.headers.get('x-request-id') ?? undefined;
      if (response.ok) {
        config.logger.debug(`${spec.method} ${spec.path} → ${response.status}`, { requestId });
        // Read as text first: `Response.json()` throws on an empty body (a 204, or a 2xx a proxy emptied).
        const text = response.status === 204 ? '' : await response.text();
        let data: unknown;
        try {
          data = text === '' ? undefined : JSON.parse(text);
        } catch (cause) {
          throw new LendwireError(
            `The API answered ${response.status} with a body that is not JSON${requestId ? ` (request ${requestId})` : ''}`,
            { cause },
          );
        }
        return { data: data as T, response, requestId, rateLimit: parseRateLimit(response.headers) };
      }
      const { problem, text } = await readProblem(response);
      if (retriesLeft > 0 && isRetryableStatus(response.status, problem)) {
        const delay = retryDelayMs(attempt + 1, response.headers, Math.random, response.status);
        config.logger.info(
          `${spec.method} ${spec.path} → ${response.status}; retrying in ${Math.round(delay)} ms (${retriesLeft} left)`,
          { requestId },
        );
        await sleep(delay, options.signal);
        continue;
      }
      config.logger.debug(`${spec.method} ${spec.path} → ${response.status} ${problem?.code ?? ''}`.trim(), {
        requestId,
      });
      throw APIError.generate(response.status, problem, response.headers, text.slice(0, 200) || undefined);
    }
  }
}
