import type { ListQuery, Loan, LoanSchedule, LoanStatus } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';
import { LoanRepayments } from './loan-repayments.js';

/** Parameters of `loans.list()`: the list parameters and optional filters. */
export interface LoanListParams extends ListQuery {
  /** Only loans of this customer (`cus_…`). */
  customerId?: string;
  /** Only loans in this status. */
  status?: LoanStatus;
}

/**
 * Loans: created `pending_disbursement` when an offer is accepted, `active` once disbursed, then
 * `paid_off` or `written_off`. A call that the loan's status does not allow is a `ConflictError` (409)
 * with code `state_conflict`.
 */
export class Loans extends APIResource {
  /** A loan's repayments: record one, or list them. */
  readonly repayments: LoanRepayments = new LoanRepayments(this.transport);

  /** Lists loans, newest first, optionally of one customer or status; `for await` walks every page. */
  list(params: LoanListParams = {}, options?: RequestOptions): PagePromise<Loan> {
    return this.list_<Loan>('/v1/loans', { ...params }, options);
  }

  /** Retrieves a loan with what is `outstanding`, its `nextDueDate` and how late it is (`daysPastDue`). */
  retrieve(id: string, options?: RequestOptions): APIPromise<Loan> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/loans/${seg(id, 'loans.retrieve', 'loan')}`,
      options,
    }));
  }

  /**
   * Retrieves a loan's repayment schedule: every installment, in order, in one list (`hasMore` is
   * always false), with what has been `paid` on each.
   */
  schedule(id: string, options?: RequestOptions): APIPromise<LoanSchedule> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/loans/${seg(id, 'loans.schedule', 'loan')}/schedule`,
      options,
    }));
  }

  /**
   * Funds a `pending_disbursement` loan: the principal less the origination fee is credited to the
   * account's wallet, the schedule starts, and `loan.disbursed` follows. Needs a platform key holding
   * `operations:write` (otherwise `PermissionDeniedError`, 403); a loan already disbursed is a
   * `ConflictError` (409) with code `state_conflict`.
   *
   * The API requires an `Idempotency-Key` here because a duplicate moves real money. The SDK always
   * sends one, reused by this call's retries; pass `options.idempotencyKey` to make a job that runs
   * twice safe too.
   */
  disburse(id: string, options?: RequestOptions): APIPromise<Loan> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/loans/${seg(id, 'loans.disburse', 'loan')}/disburse`,
      options,
    }));
  }

  /**
   * Writes off an `active` loan: nothing more is collected, and `loan.written_off` follows. Needs a
   * platform key holding `operations:write` (otherwise `PermissionDeniedError`, 403); a loan not
   * `active` is a `ConflictError` (409) with code `state_conflict`.
   */
  writeOff(id: string, options?: RequestOptions): APIPromise<Loan> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/loans/${seg(id, 'loans.writeOff', 'loan')}/write-off`,
      options,
    }));
  }
}
