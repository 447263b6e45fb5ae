import type { Me } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import { APIResource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** The calling key: `GET /v1/me`. */
export class MeResource extends APIResource {
  /** The calling key, its account, effective scopes, tier and rate limit. Works for suspended accounts. */
  retrieve(options?: RequestOptions): APIPromise<Me> {
    return this.transport.request({ method: 'GET', path: '/v1/me', options });
  }
}
