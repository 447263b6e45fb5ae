import type { ListQuery, Wallet, WalletTransaction } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * Wallets: the account's balances, one per currency and mode. They are read-only here: money comes in
 * through loans (or `testHelpers.wallets.fund` in test mode) and leaves through `withdrawals`.
 */
export class Wallets extends APIResource {
  /** Lists the account's wallets in the caller's mode, newest first; `for await` walks every page. */
  list(params: ListQuery = {}, options?: RequestOptions): PagePromise<Wallet> {
    return this.list_<Wallet>('/v1/wallets', { ...params }, options);
  }

  /** Retrieves a wallet with its `available` and `pending` balances as of now. */
  retrieve(id: string, options?: RequestOptions): APIPromise<Wallet> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/wallets/${seg(id, 'wallets.retrieve', 'wal')}`,
      options,
    }));
  }

  /**
   * Lists every movement of a wallet's balances, newest first. Their `amount`s sum to the wallet's
   * `available + pending`, so this is the statement to reconcile against.
   */
  listTransactions(id: string, params: ListQuery = {}, options?: RequestOptions): PagePromise<WalletTransaction> {
    return this.list_<WalletTransaction>(
      () => `/v1/wallets/${seg(id, 'wallets.listTransactions', 'wal')}/transactions`,
      { ...params },
      options,
    );
  }
}
