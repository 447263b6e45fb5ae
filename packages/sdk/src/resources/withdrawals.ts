import type { ListQuery, Withdrawal, WithdrawalCreateParams } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** Withdrawals: payouts from a wallet to one of the account's bank accounts. */
export class Withdrawals extends APIResource {
  /**
   * Starts a payout: `amount + fee` move from the wallet's `available` to `pending` at once, and the
   * payout completes later (`withdrawal.succeeded` or `withdrawal.failed`). Not enough funds is a
   * `UnprocessableEntityError` (422) with code `insufficient_funds`.
   *
   * The API requires an `Idempotency-Key` here because a duplicate moves real money. The SDK always
   * sends one, reused by this call's retries; pass `options.idempotencyKey` (say, your payout's id) so
   * that a job that runs twice, or a process that restarts, cannot pay out twice either.
   */
  create(params: WithdrawalCreateParams, options?: RequestOptions): APIPromise<Withdrawal> {
    return this.transport.request({ method: 'POST', path: '/v1/withdrawals', body: params, options });
  }

  /** Lists withdrawals, newest first; `for await` walks every page. */
  list(params: ListQuery = {}, options?: RequestOptions): PagePromise<Withdrawal> {
    return this.list_<Withdrawal>('/v1/withdrawals', { ...params }, options);
  }

  /** Retrieves a withdrawal, to follow its `status` (or use events and webhooks instead of polling). */
  retrieve(id: string, options?: RequestOptions): APIPromise<Withdrawal> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/withdrawals/${seg(id, 'withdrawals.retrieve', 'wd')}`,
      options,
    }));
  }
}
