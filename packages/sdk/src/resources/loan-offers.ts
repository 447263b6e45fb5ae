import type { ListQuery, LoanOffer, LoanOfferStatus } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** Parameters of `loanOffers.list()`: the list parameters and optional filters. */
export interface LoanOfferListParams extends ListQuery {
  /** Only offers to this customer (`cus_…`). */
  customerId?: string;
  /** Only offers in this status. */
  status?: LoanOfferStatus;
}

/**
 * Loan offers: the terms made to a customer when their application is approved. An offer is `open`
 * until `expiresAt`, and is then accepted (creating a loan), declined, or expires (`loan_offer.expired`).
 */
export class LoanOffers extends APIResource {
  /** Lists loan offers, newest first, optionally of one customer or status; `for await` walks every page. */
  list(params: LoanOfferListParams = {}, options?: RequestOptions): PagePromise<LoanOffer> {
    return this.list_<LoanOffer>('/v1/loan-offers', { ...params }, options);
  }

  /** Retrieves a loan offer, with its terms, `installmentAmount` and `totalRepayable`. */
  retrieve(id: string, options?: RequestOptions): APIPromise<LoanOffer> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/loan-offers/${seg(id, 'loanOffers.retrieve', 'lof')}`,
      options,
    }));
  }

  /**
   * Accepts an `open` offer on the customer's behalf and returns it with `loanId` set and the new `loan`
   * included, `pending_disbursement`. `loan_offer.accepted` follows. An offer that has expired, or was
   * already accepted or declined, is a `ConflictError` (409) with code `state_conflict`.
   */
  accept(id: string, options?: RequestOptions): APIPromise<LoanOffer> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/loan-offers/${seg(id, 'loanOffers.accept', 'lof')}/accept`,
      options,
    }));
  }

  /**
   * Declines an `open` offer; `loan_offer.declined` follows. An offer no longer `open` is a
   * `ConflictError` (409) with code `state_conflict`.
   */
  decline(id: string, options?: RequestOptions): APIPromise<LoanOffer> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/loan-offers/${seg(id, 'loanOffers.decline', 'lof')}/decline`,
      options,
    }));
  }
}
