import type { Customer, CustomerCreateParams, CustomerUpdateParams, ListQuery } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** Customers: the people who borrow and repay. */
export class Customers extends APIResource {
  /** Creates a customer. Retries reuse one idempotency key, so a retried create never makes two. */
  create(params: CustomerCreateParams, options?: RequestOptions): APIPromise<Customer> {
    return this.transport.request({ method: 'POST', path: '/v1/customers', body: params, options });
  }

  /** Retrieves a customer by id. */
  retrieve(id: string, options?: RequestOptions): APIPromise<Customer> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/customers/${seg(id, 'customers.retrieve', 'cus')}`,
      options,
    }));
  }

  /** Updates the fields given; `null` clears `email` or `phone`. */
  update(id: string, params: CustomerUpdateParams, options?: RequestOptions): APIPromise<Customer> {
    return this.request_(() => ({
      method: 'PATCH',
      path: `/v1/customers/${seg(id, 'customers.update', 'cus')}`,
      body: params,
      options,
    }));
  }

  /** Lists customers, newest first; `for await` walks every page. */
  list(params: ListQuery = {}, options?: RequestOptions): PagePromise<Customer> {
    return this.list_<Customer>('/v1/customers', { ...params }, options);
  }
}
