import type { IdPrefix, ListEnvelope } from '@lendwire/contract';
import { APIPromise } from './api-promise.js';
import { InvalidArgumentError } from './errors.js';
import { redactSecrets } from './logger.js';
import { PagePromise } from './pagination.js';
import type { RequestOptions, RequestSpec, Transport } from './transport.js';

/** Base of every resource class: holds the transport and builds list page promises. */
export abstract class APIResource {
  /** @internal Resources hang off a `Lendwire` client, which makes them. */
  constructor(protected readonly transport: Transport) {}

  /**
   * Starts the request `build` describes. Building may refuse an argument ({@link seg} throws): the
   * call then rejects with that error, like any other failure of it, and sends nothing.
   */
  protected request_<T>(build: () => RequestSpec): APIPromise<T> {
    let spec: RequestSpec;
    try {
      spec = build();
    } catch (error) {
      return new APIPromise<T>(Promise.reject(error));
    }
    return this.transport.request<T>(spec);
  }

  /**
   * A `list()` result that pages with `startingAfter`. A list under an object (`/v1/wallets/{id}/…`)
   * passes its path as a function that calls {@link seg}: it runs inside the page fetch, so a refused
   * id rejects the list, as it does a `retrieve`, instead of throwing from the call.
   */
  protected list_<T>(
    path: string | (() => string),
    query: Record<string, string | number | undefined>,
    options?: RequestOptions,
  ) {
    return new PagePromise<T>(
      async (startingAfter) =>
        this.transport.send<ListEnvelope<T>>({
          method: 'GET',
          path: typeof path === 'string' ? path : path(),
          query: { ...query, startingAfter: startingAfter ?? query.startingAfter },
          options,
        }),
      undefined,
    );
  }
}

/** Far above any Lendwire id (about 30 characters); anything longer is a mistake, not an id. */
const MAX_ID_LENGTH = 255;
/** Control characters, which no id has, and lone surrogates, which `encodeURIComponent` cannot encode. */
const NOT_IN_IDS = /[\p{Cc}\p{Cs}]/u;
const SHOWN_PREFIX_LENGTH = 32;

/** `value` as an error message shows it: quoted, control characters escaped, a long one cut short. */
function show(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value !== 'string') return `${/^[aeiou]/.test(typeof value) ? 'an' : 'a'} ${typeof value}`;
  const long = value.length > MAX_ID_LENGTH;
  // JSON escapes C0 controls and lone surrogates but leaves DEL and C1 controls raw.
  const quoted = JSON.stringify(long ? value.slice(0, SHOWN_PREFIX_LENGTH) : value).replace(
    /\p{Cc}/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return long ? `${quoted.slice(0, -1)}…" (${value.length} characters)` : quoted;
}

/**
 * Encodes an id as one path segment. Percent-encoding keeps `/`, `?` and `#` inside the segment, but
 * it leaves `.` and `..` as they are, and URL parsers resolve those (`/v1/api-keys/..` is `/v1/`),
 * while an empty id drops the segment (`/v1/api-keys/` lists keys). So those, and ids no Lendwire id
 * looks like (control characters, lone surrogates, over 255 characters, not a string), throw an
 * {@link InvalidArgumentError} naming `method` and an example `prefix` instead of reaching another
 * route. Call it inside {@link APIResource.request_} so the throw becomes the call's rejection.
 */
export function seg(id: string, method: string, prefix: IdPrefix): string {
  if (!isSegment(id)) {
    throw new InvalidArgumentError(
      redactSecrets(`${method}: id must be a Lendwire id such as ${prefix}_…; got ${show(id)}`),
    );
  }
  return encodeURIComponent(id);
}

/**
 * Like {@link seg}, for a path segment that is a name rather than an id (a notification type such as
 * `repayment.failed`, a channel): refused the same way, with a message naming `what` it should be.
 */
export function nameSeg(value: string, method: string, what: string): string {
  if (!isSegment(value)) {
    throw new InvalidArgumentError(redactSecrets(`${method}: ${what}; got ${show(value)}`));
  }
  return encodeURIComponent(value);
}

/** Whether `value` stays one path segment, naming something, once percent-encoded. */
function isSegment(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value !== '' &&
    value !== '.' &&
    value !== '..' &&
    value.length <= MAX_ID_LENGTH &&
    !NOT_IN_IDS.test(value)
  );
}
