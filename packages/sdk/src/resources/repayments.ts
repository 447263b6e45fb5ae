import type { Repayment } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * Repayments by id. To record a repayment or list a loan's, use `lendwire.loans.repayments`.
 */
export class Repayments extends APIResource {
  /**
   * Retrieves a repayment, manual or a mandate collection, to follow its `status` and see its
   * `allocation` (or listen for `repayment.succeeded` and `repayment.failed`).
   */
  retrieve(id: string, options?: RequestOptions): APIPromise<Repayment> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/repayments/${seg(id, 'repayments.retrieve', 'rpy')}`,
      options,
    }));
  }
}
