import type { Account, AccountCreateParams, AccountUpdateParams, ListQuery } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** Partner accounts. Needs a platform key with `accounts:admin`. */
export class Accounts extends APIResource {
  /** Creates a partner account. */
  create(params: AccountCreateParams, options?: RequestOptions): APIPromise<Account> {
    return this.transport.request({ method: 'POST', path: '/v1/accounts', body: params, options });
  }

  /** Retrieves an account by id. */
  retrieve(id: string, options?: RequestOptions): APIPromise<Account> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/accounts/${seg(id, 'accounts.retrieve', 'acct')}`,
      options,
    }));
  }

  /** Updates name, contact e-mail, tier or metadata. */
  update(id: string, params: AccountUpdateParams, options?: RequestOptions): APIPromise<Account> {
    return this.request_(() => ({
      method: 'PATCH',
      path: `/v1/accounts/${seg(id, 'accounts.update', 'acct')}`,
      body: params,
      options,
    }));
  }

  /** Lists accounts, newest first; `for await` walks every page. */
  list(params: ListQuery = {}, options?: RequestOptions): PagePromise<Account> {
    return this.list_<Account>('/v1/accounts', { ...params }, options);
  }

  /** Suspends a partner account: its keys get 403 `account_suspended` on every route but `/v1/me`. */
  suspend(id: string, options?: RequestOptions): APIPromise<Account> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/accounts/${seg(id, 'accounts.suspend', 'acct')}/suspend`,
      options,
    }));
  }

  /** Lifts a suspension. */
  unsuspend(id: string, options?: RequestOptions): APIPromise<Account> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/accounts/${seg(id, 'accounts.unsuspend', 'acct')}/unsuspend`,
      options,
    }));
  }
}
