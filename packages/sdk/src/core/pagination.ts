import type { ListEnvelope } from '@lendwire/contract';
import { APIPromise, type WithResponse } from './api-promise.js';
import { LendwireError } from './errors.js';

/** Fetches one page given the cursor of the previous one. */
export type PageFetcher<T> = (startingAfter: string | undefined) => Promise<WithResponse<ListEnvelope<T>>>;

/**
 * One page of a list, newest first. Iterate it with `for await` to walk every item of every page,
 * or step through pages with `hasNextPage()` / `getNextPage()` / `iterPages()`.
 */
export class Page<T> implements AsyncIterable<T> {
  /** Items of this page. */
  readonly data: T[];
  /** Whether another page follows. */
  readonly hasMore: boolean;
  /** Cursor of the next page (`startingAfter`), or null. */
  readonly nextCursor: string | null;
  readonly #fetch: PageFetcher<T>;

  /** @internal Pages come from `list()`; the SDK makes them. */
  constructor(envelope: ListEnvelope<T>, fetch: PageFetcher<T>) {
    this.data = envelope.data;
    this.hasMore = envelope.hasMore;
    this.nextCursor = envelope.nextCursor;
    this.#fetch = fetch;
  }

  /** True when `getNextPage()` will return a page. */
  hasNextPage(): boolean {
    return this.hasMore && this.nextCursor !== null;
  }

  /** Fetches the next page. Throws when there is none; check `hasNextPage()` first. */
  async getNextPage(): Promise<Page<T>> {
    if (!this.hasNextPage()) {
      throw new LendwireError('No next page: check hasNextPage() before calling getNextPage()');
    }
    const { data } = await this.#fetch(this.nextCursor ?? undefined);
    return new Page(data, this.#fetch);
  }

  /** This page, then every following page. */
  async *iterPages(): AsyncGenerator<Page<T>, void, undefined> {
    let page: Page<T> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  /** Every item from this page on, fetching pages as needed. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.iterPages()) yield* page.data;
  }

  /** Collects items from this page on into an array, at most `limit` (default 10 000). */
  async toArray(options: { limit?: number } = {}): Promise<T[]> {
    const limit = options.limit ?? 10_000;
    const out: T[] = [];
    if (limit <= 0) return out;
    for await (const item of this) {
      out.push(item);
      if (out.length >= limit) break;
    }
    return out;
  }
}

/**
 * The result of a `list()` call: await it for the first {@link Page}, or `for await` over it to walk
 * every item across pages.
 */
export class PagePromise<T> extends APIPromise<Page<T>> implements AsyncIterable<T> {
  /** @internal Returned by `list()`; the SDK makes these. */
  constructor(fetch: PageFetcher<T>, startingAfter?: string) {
    super(fetch(startingAfter).then((r) => ({ ...r, data: new Page(r.data, fetch) })));
  }

  /** Every item of every page. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    const page = await this;
    yield* page;
  }

  /** Collects items across pages into an array, at most `limit` (default 10 000). */
  async toArray(options: { limit?: number } = {}): Promise<T[]> {
    return (await this).toArray(options);
  }
}
