import type { CreditAssessment, CreditAssessmentCreateParams, ListQuery } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** Parameters of `creditAssessments.list()`: the list parameters and an optional customer filter. */
export interface CreditAssessmentListParams extends ListQuery {
  /** Only assessments of this customer (`cus_…`). */
  customerId?: string;
}

/** Credit assessments: a 300-850 score computed from a customer's (or the account's) bank transactions. */
export class CreditAssessments extends APIResource {
  /**
   * Submits a transaction history for scoring: exactly one of `transactions` (up to 5000 lines) or
   * `csv` (up to 1 MiB); without `customerId` the account itself is assessed. The assessment starts
   * `pending`; `transaction_history.uploaded` follows, then `credit_assessment.completed` with
   * `score`, `category` and `breakdown` set. Both or neither of `transactions` and `csv`, or invalid
   * lines, are a `BadRequestError` (400) with code `validation_failed`.
   */
  create(params: CreditAssessmentCreateParams, options?: RequestOptions): APIPromise<CreditAssessment> {
    return this.transport.request({ method: 'POST', path: '/v1/credit-assessments', body: params, options });
  }

  /** Lists credit assessments, newest first, optionally of one customer; `for await` walks every page. */
  list(params: CreditAssessmentListParams = {}, options?: RequestOptions): PagePromise<CreditAssessment> {
    return this.list_<CreditAssessment>('/v1/credit-assessments', { ...params }, options);
  }

  /** Retrieves a credit assessment, to read its `score` once `completed` (or listen for `credit_assessment.completed`). */
  retrieve(id: string, options?: RequestOptions): APIPromise<CreditAssessment> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/credit-assessments/${seg(id, 'creditAssessments.retrieve', 'ca')}`,
      options,
    }));
  }
}
