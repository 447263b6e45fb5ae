import type {
  ApiKey,
  ApiKeyCreateParams,
  ApiKeyRotateParams,
  ApiKeyUsage,
  ApiKeyWithSecret,
  ListQuery,
} from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** API keys: create, rotate with a grace period, revoke, and read usage. */
export class ApiKeys extends APIResource {
  /** Creates a key. The response's `secret` is shown only this once: store it. */
  create(params: ApiKeyCreateParams, options?: RequestOptions): APIPromise<ApiKeyWithSecret> {
    return this.transport.request({ method: 'POST', path: '/v1/api-keys', body: params, options });
  }

  /** Retrieves a key (never its secret). */
  retrieve(id: string, options?: RequestOptions): APIPromise<ApiKey> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/api-keys/${seg(id, 'apiKeys.retrieve', 'key')}`,
      options,
    }));
  }

  /** Lists keys of the account in the caller's mode, newest first. */
  list(params: ListQuery = {}, options?: RequestOptions): PagePromise<ApiKey> {
    return this.list_<ApiKey>('/v1/api-keys', { ...params }, options);
  }

  /**
   * Issues a new secret. The old one keeps working for `gracePeriodSeconds` (default 0), then gets
   * 401. The new `secret` is shown only this once.
   */
  rotate(id: string, params: ApiKeyRotateParams = {}, options?: RequestOptions): APIPromise<ApiKeyWithSecret> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/api-keys/${seg(id, 'apiKeys.rotate', 'key')}/rotate`,
      body: params,
      options,
    }));
  }

  /** Revokes a key: every secret of it stops working at once. */
  revoke(id: string, options?: RequestOptions): APIPromise<ApiKey> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/api-keys/${seg(id, 'apiKeys.revoke', 'key')}/revoke`,
      options,
    }));
  }

  /** Requests, 4xx, 5xx and 429s per UTC day over the last `days` days (default 30). */
  usage(id: string, params: { days?: number } = {}, options?: RequestOptions): APIPromise<ApiKeyUsage> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/api-keys/${seg(id, 'apiKeys.usage', 'key')}/usage`,
      query: params,
      options,
    }));
  }
}
