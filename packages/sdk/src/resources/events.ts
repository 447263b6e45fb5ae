import type { EventType, LendwireEvent, ListQuery } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** The resource part of an event type: `withdrawal` of `withdrawal.created`. */
export type EventResourceName = EventType extends `${infer R}.${string}` ? R : never;

/**
 * What `events.list({ type })` accepts: an event type, `resource.*` for every type of a resource, or
 * `*`. Any other string is allowed too, so a type added to the API after this SDK version can be
 * asked for without a cast; the API checks the syntax (400 when it is not one of those forms).
 */
export type EventTypeFilter = EventType | `${EventResourceName}.*` | '*' | (string & Record<never, never>);

/** Parameters of `events.list()`: the list parameters and a `type` filter. */
export interface EventListParams extends ListQuery {
  /** Only events of this type: exact (`withdrawal.failed`) or a prefix (`withdrawal.*`). Default: all. */
  type?: EventTypeFilter;
}

/**
 * Events: everything that happened to the account's resources, newest first.
 * The same objects webhooks deliver, so listing them is how to catch up after downtime or backfill a
 * new consumer. Each is a {@link LendwireEvent}: narrowing on `type` types `data.object`.
 */
export class Events extends APIResource {
  /**
   * Lists events, newest first; `for await` walks every page. The items are typed as every event type
   * this SDK version knows, whatever the filter: narrow on `event.type`, and keep a default branch for
   * types added to the API later.
   */
  list(params: EventListParams = {}, options?: RequestOptions): PagePromise<LendwireEvent> {
    return this.list_<LendwireEvent>('/v1/events', { ...params }, options);
  }

  /** Retrieves an event by id, for example one a webhook delivery named, to re-read it from the source. */
  retrieve(id: string, options?: RequestOptions): APIPromise<LendwireEvent> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/events/${seg(id, 'events.retrieve', 'evt')}`,
      options,
    }));
  }
}
