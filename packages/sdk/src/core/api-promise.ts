import type { RateLimitInfo } from './rate-limit.js';

/** What `.withResponse()` gives: the parsed data with the raw response and its metadata. */
export interface WithResponse<T> {
  /** The parsed response body: what awaiting the promise itself resolves to. */
  data: T;
  /** The final HTTP response (after retries). Its body has been read. */
  response: Response;
  /** `X-Request-Id` of the response, for support. */
  requestId: string | undefined;
  /** Rate-limit state after this request. */
  rateLimit: RateLimitInfo | undefined;
}

/**
 * A promise of an API result that can also give the raw response: `await client.customers.create(…)`
 * resolves to the customer, `await client.customers.create(…).withResponse()` to
 * `{ data, response, requestId, rateLimit }`. The request starts when the method is called.
 */
export class APIPromise<T> extends Promise<T> {
  readonly #inner: Promise<WithResponse<T>>;

  /** @internal The SDK makes these; call a resource method instead. */
  constructor(inner: Promise<WithResponse<T>>) {
    super((resolve) => resolve(undefined as T));
    this.#inner = inner;
  }

  /**
   * Derived promises (from then/catch/finally) are plain Promises, not APIPromises.
   * @internal
   */
  static override get [Symbol.species]() {
    return Promise;
  }

  /** Resolves to the data together with the raw response, request id and rate-limit state. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#inner;
  }

  // biome-ignore lint/suspicious/noThenProperty: an APIPromise is a Promise; `then` is how it is awaited.
  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#inner.then((r) => r.data).then(onfulfilled, onrejected);
  }

  override catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#inner.then((r) => r.data).finally(onfinally);
  }
}
