import type { ListQuery, Repayment, RepaymentCreateParams } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** The repayments of one loan: `lendwire.loans.repayments`. */
export class LoanRepayments extends APIResource {
  /**
   * Records a manual repayment of an `active` loan, allocated to fees, then interest, then principal.
   * `repayment.succeeded` follows, and `loan.paid_off` when the outstanding total reaches zero.
   * `amount` is in minor units of the loan's currency; a `currency` given must match it. More than the
   * outstanding total, or a currency other than the loan's, is an `UnprocessableEntityError` (422); a
   * loan not `active` is a `ConflictError` (409) with code `state_conflict`.
   *
   * The API requires an `Idempotency-Key` here because a duplicate would take money twice. The SDK
   * always sends one, reused by this call's retries; pass `options.idempotencyKey` (say, your payment's
   * id) so that a job that runs twice cannot record the repayment twice either.
   */
  create(loanId: string, params: RepaymentCreateParams, options?: RequestOptions): APIPromise<Repayment> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/loans/${seg(loanId, 'loans.repayments.create', 'loan')}/repayments`,
      body: params,
      options,
    }));
  }

  /**
   * Lists a loan's repayments, manual and mandate collections alike, newest first; `for await` walks
   * every page.
   */
  list(loanId: string, params: ListQuery = {}, options?: RequestOptions): PagePromise<Repayment> {
    return this.list_<Repayment>(
      () => `/v1/loans/${seg(loanId, 'loans.repayments.list', 'loan')}/repayments`,
      { ...params },
      options,
    );
  }
}
