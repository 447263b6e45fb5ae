import type { BankAccount, BankAccountCreateParams, ListQuery } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * Bank accounts that wallet funds can be withdrawn to. The full account number goes in once, on
 * `create`; every response afterwards carries only `last4`.
 */
export class BankAccounts extends APIResource {
  /**
   * Adds a bank account once the payment rail has verified it (422 when it cannot be). Retries reuse
   * one idempotency key, so a retried create never adds the account twice.
   */
  create(params: BankAccountCreateParams, options?: RequestOptions): APIPromise<BankAccount> {
    return this.transport.request({ method: 'POST', path: '/v1/bank-accounts', body: params, options });
  }

  /** Lists the bank accounts not removed, newest first; `for await` walks every page. */
  list(params: ListQuery = {}, options?: RequestOptions): PagePromise<BankAccount> {
    return this.list_<BankAccount>('/v1/bank-accounts', { ...params }, options);
  }

  /** Retrieves a bank account, removed ones included, so past withdrawals can still be explained. */
  retrieve(id: string, options?: RequestOptions): APIPromise<BankAccount> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/bank-accounts/${seg(id, 'bankAccounts.retrieve', 'ba')}`,
      options,
    }));
  }

  /**
   * Removes a bank account and returns it with `status: 'removed'`. It stays readable for the
   * withdrawals that point at it, but new withdrawals to it are refused; removing it again is a 409.
   */
  del(id: string, options?: RequestOptions): APIPromise<BankAccount> {
    return this.request_(() => ({
      method: 'DELETE',
      path: `/v1/bank-accounts/${seg(id, 'bankAccounts.del', 'ba')}`,
      options,
    }));
  }
}
