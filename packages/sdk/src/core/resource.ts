import type { ListEnvelope } from '@lendwire/contract';
import { PagePromise } from './pagination.js';
import type { RequestOptions, Transport } from './transport.js';

/** Base of every resource class: holds the transport and builds list page promises. */
export abstract class APIResource {
  /** @internal Resources hang off a `Lendwire` client, which makes them. */
  constructor(protected readonly transport: Transport) {}

  /** A `list()` result that pages with `startingAfter`. */
  protected list_<T>(path: string, query: Record<string, string | number | undefined>, options?: RequestOptions) {
    return new PagePromise<T>(
      (startingAfter) =>
        this.transport.send<ListEnvelope<T>>({
          method: 'GET',
          path,
          query: { ...query, startingAfter: startingAfter ?? query.startingAfter },
          options,
        }),
      undefined,
    );
  }
}

/** Encodes an id for a path segment. */
export function seg(id: string): string {
  return encodeURIComponent(id);
}
