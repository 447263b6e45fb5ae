import type { ListQuery, Mandate, MandateCreateParams } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** Parameters of `mandates.list()`: the list parameters and an optional customer filter. */
export interface MandateListParams extends ListQuery {
  /** Only mandates of this customer (`cus_…`). */
  customerId?: string;
}

/**
 * Mandates: direct-debit authorities over a customer's bank account, through which due installments
 * are collected. The full account number is never returned, only its `last4`.
 */
export class Mandates extends APIResource {
  /**
   * Sets up a mandate. It starts `pending`: the bank answers later, with `mandate.activated` or
   * `mandate.failed` (see `failureCode`). An unknown `customerId` is a `NotFoundError` (404); invalid
   * bank details are a `BadRequestError` (400) with code `validation_failed`.
   */
  create(params: MandateCreateParams, options?: RequestOptions): APIPromise<Mandate> {
    return this.transport.request({ method: 'POST', path: '/v1/mandates', body: params, options });
  }

  /** Lists mandates, newest first, optionally of one customer; `for await` walks every page. */
  list(params: MandateListParams = {}, options?: RequestOptions): PagePromise<Mandate> {
    return this.list_<Mandate>('/v1/mandates', { ...params }, options);
  }

  /** Retrieves a mandate, to follow its `status`. */
  retrieve(id: string, options?: RequestOptions): APIPromise<Mandate> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/mandates/${seg(id, 'mandates.retrieve', 'mdt')}`,
      options,
    }));
  }

  /**
   * Cancels an `active` mandate: nothing more is collected through it, and `mandate.cancelled`
   * follows. A mandate not `active` is a `ConflictError` (409) with code `state_conflict`.
   */
  cancel(id: string, options?: RequestOptions): APIPromise<Mandate> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/mandates/${seg(id, 'mandates.cancel', 'mdt')}/cancel`,
      options,
    }));
  }
}
