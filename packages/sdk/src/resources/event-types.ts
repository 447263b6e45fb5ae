import type { EventTypeInfo } from '@lendwire/contract';
import type { PagePromise } from '../core/pagination.js';
import { APIResource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * The event type catalogue (`GET /v1/event-types`): every type the API emits, with the JSON Schema
 * of its `data.object`. It reflects the server, not this SDK version, so it is how to discover types
 * newer than the SDK's `LendwireEvent` union, or validate webhook payloads in another language.
 */
export class EventTypes extends APIResource {
  /** Lists every event type in one page (`hasMore` is always false); `for await` works as on any list. */
  list(options?: RequestOptions): PagePromise<EventTypeInfo> {
    return this.list_<EventTypeInfo>('/v1/event-types', {}, options);
  }
}
