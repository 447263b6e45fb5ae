import type {
  ListQuery,
  LoanApplication,
  LoanApplicationApproveParams,
  LoanApplicationCreateParams,
  LoanApplicationRejectParams,
  LoanApplicationStatus,
} from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** Parameters of `loanApplications.list()`: the list parameters and optional filters. */
export interface LoanApplicationListParams extends ListQuery {
  /** Only applications of this customer (`cus_…`). */
  customerId?: string;
  /** Only applications in this status. */
  status?: LoanApplicationStatus;
}

/**
 * Loan applications: a customer's request for a loan. A partner submits one and may withdraw it while
 * it is `submitted`; the platform reviews it, approving it (which makes a loan offer) or rejecting it.
 * A call that its current status does not allow is a `ConflictError` (409) with code `state_conflict`.
 */
export class LoanApplications extends APIResource {
  /**
   * Submits a loan application for review; it starts `submitted` and `loan_application.submitted`
   * follows. An unknown `customerId` is a `NotFoundError` (404); invalid fields are a
   * `BadRequestError` (400) with code `validation_failed`.
   */
  create(params: LoanApplicationCreateParams, options?: RequestOptions): APIPromise<LoanApplication> {
    return this.transport.request({ method: 'POST', path: '/v1/loan-applications', body: params, options });
  }

  /** Lists loan applications, newest first, optionally of one customer or status; `for await` walks every page. */
  list(params: LoanApplicationListParams = {}, options?: RequestOptions): PagePromise<LoanApplication> {
    return this.list_<LoanApplication>('/v1/loan-applications', { ...params }, options);
  }

  /** Retrieves a loan application, to follow its `status` (or listen for `loan_application.*` events). */
  retrieve(id: string, options?: RequestOptions): APIPromise<LoanApplication> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/loan-applications/${seg(id, 'loanApplications.retrieve', 'lap')}`,
      options,
    }));
  }

  /**
   * Withdraws a `submitted` application before it is reviewed; `loan_application.withdrawn` follows.
   * An application already reviewed or withdrawn is a `ConflictError` (409) with code `state_conflict`.
   */
  withdraw(id: string, options?: RequestOptions): APIPromise<LoanApplication> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/loan-applications/${seg(id, 'loanApplications.withdraw', 'lap')}/withdraw`,
      options,
    }));
  }

  /**
   * Approves a `submitted` application with the terms of `params.offer`, and returns it with the new
   * `offer` included. `loan_application.approved` and `loan_offer.created` follow. Needs a platform key
   * holding `loans:review` (otherwise `PermissionDeniedError`, 403); an application not `submitted` is a
   * `ConflictError` (409) with code `state_conflict`.
   */
  approve(id: string, params: LoanApplicationApproveParams, options?: RequestOptions): APIPromise<LoanApplication> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/loan-applications/${seg(id, 'loanApplications.approve', 'lap')}/approve`,
      body: params,
      options,
    }));
  }

  /**
   * Rejects a `submitted` application; `reason` is kept as `rejectionReason` and shown to the customer.
   * `loan_application.rejected` follows. Needs a platform key holding `loans:review` (otherwise
   * `PermissionDeniedError`, 403); an application not `submitted` is a `ConflictError` (409) with code
   * `state_conflict`.
   */
  reject(id: string, params: LoanApplicationRejectParams, options?: RequestOptions): APIPromise<LoanApplication> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/loan-applications/${seg(id, 'loanApplications.reject', 'lap')}/reject`,
      body: params,
      options,
    }));
  }
}
