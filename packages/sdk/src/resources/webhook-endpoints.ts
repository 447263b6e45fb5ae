import type {
  ListQuery,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointCreateParams,
  WebhookEndpointUpdateParams,
  WebhookRecoverResult,
  WebhookSecretRotateParams,
  WebhookTestParams,
} from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** Status of a webhook delivery: `pending` (queued or retrying), `succeeded` (a 2xx) or `failed` (given up). */
export type WebhookDeliveryStatus = WebhookDelivery['status'];

/** Parameters of `webhookEndpoints.listDeliveries()`: the list parameters and a `status` filter. */
export interface WebhookDeliveryListParams extends ListQuery {
  /** Only deliveries in this status. Default: all. */
  status?: WebhookDeliveryStatus;
}

/** Parameters of `webhookEndpoints.recover()`. */
export interface WebhookEndpointRecoverParams {
  /** Re-send the failed deliveries created since then: an ISO 8601 time with an offset, or a `Date`. */
  since: string | Date;
}

/**
 * Webhook endpoints: the URLs Lendwire POSTs events to, signed per Standard Webhooks with the
 * endpoint's `whsec_…` secret (verify them with `lendwire.webhooks.unwrap`). Each endpoint receives
 * the event types in its `enabledEvents` (`*`, exact types, or `prefix.*`); every delivery and each of
 * its attempts is kept, to see what failed and send it again.
 */
export class WebhookEndpoints extends APIResource {
  /**
   * Creates an endpoint. The response's `secret` (`whsec_…`) is shown only this once: store it to
   * verify deliveries. The URL must be a public http(s) address: a private, loopback or link-local one
   * is an `UnprocessableEntityError` (422) unless the server allows private networks (local
   * development); an invalid filter or URL is a `BadRequestError` (400) with code `validation_failed`.
   */
  create(params: WebhookEndpointCreateParams, options?: RequestOptions): APIPromise<WebhookEndpoint> {
    return this.transport.request({ method: 'POST', path: '/v1/webhook-endpoints', body: params, options });
  }

  /** Lists the endpoints in the caller's mode, newest first (never their secrets); `for await` walks every page. */
  list(params: ListQuery = {}, options?: RequestOptions): PagePromise<WebhookEndpoint> {
    return this.list_<WebhookEndpoint>('/v1/webhook-endpoints', { ...params }, options);
  }

  /** Retrieves an endpoint (never its secret). A deleted one, or another account's, is a `NotFoundError` (404). */
  retrieve(id: string, options?: RequestOptions): APIPromise<WebhookEndpoint> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/webhook-endpoints/${seg(id, 'webhookEndpoints.retrieve', 'we')}`,
      options,
    }));
  }

  /**
   * Changes the URL, filters, description, metadata or throttle. `status: 'disabled'` stops
   * deliveries; `status: 'enabled'` re-enables an endpoint disabled by hand or by the API (after a 410,
   * or 5 days of failures, which emits `webhook_endpoint.disabled`): follow it with `recover` for what
   * failed meanwhile.
   */
  update(id: string, params: WebhookEndpointUpdateParams, options?: RequestOptions): APIPromise<WebhookEndpoint> {
    return this.request_(() => ({
      method: 'PATCH',
      path: `/v1/webhook-endpoints/${seg(id, 'webhookEndpoints.update', 'we')}`,
      body: params,
      options,
    }));
  }

  /**
   * Deletes an endpoint and returns it (`status: 'disabled'`, `disabledReason: 'deleted'`). Nothing
   * more is sent to it, deliveries still queued are marked `failed`, and it is a `NotFoundError` (404)
   * from then on.
   */
  del(id: string, options?: RequestOptions): APIPromise<WebhookEndpoint> {
    return this.request_(() => ({
      method: 'DELETE',
      path: `/v1/webhook-endpoints/${seg(id, 'webhookEndpoints.del', 'we')}`,
      options,
    }));
  }

  /**
   * Gives the endpoint a new signing secret, returned (as `secret`) only this once. For
   * `gracePeriodSeconds` (default 24 h, at most 7 days; 0 for none) deliveries carry signatures with
   * both the old and the new secret, so receivers can switch at their own pace;
   * `previousSecretExpiresAt` says until when.
   */
  rotateSecret(
    id: string,
    params: WebhookSecretRotateParams = {},
    options?: RequestOptions,
  ): APIPromise<WebhookEndpoint> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/webhook-endpoints/${seg(id, 'webhookEndpoints.rotateSecret', 'we')}/rotate-secret`,
      body: params,
      options,
    }));
  }

  /**
   * Queues a sample event of `eventType` (`data.object` is `{ object: 'test', … }`) to this endpoint
   * only; it is not written to the event log. Resolves with the queued delivery: follow it with
   * `webhookDeliveries.retrieve(delivery.id)`.
   */
  test(id: string, params: WebhookTestParams, options?: RequestOptions): APIPromise<WebhookDelivery> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/webhook-endpoints/${seg(id, 'webhookEndpoints.test', 'we')}/test`,
      body: params,
      options,
    }));
  }

  /**
   * Re-queues every delivery to this endpoint that `failed` and was created since `since` (for example
   * after the receiver was down); each is sent again with its schedule starting over. Resolves with how
   * many were re-queued (`requeued`).
   */
  recover(
    id: string,
    params: WebhookEndpointRecoverParams,
    options?: RequestOptions,
  ): APIPromise<WebhookRecoverResult> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/webhook-endpoints/${seg(id, 'webhookEndpoints.recover', 'we')}/recover`,
      body: params,
      options,
    }));
  }

  /**
   * Lists the endpoint's deliveries, newest first, each with every attempt (response status, duration,
   * response excerpt or error); `status` filters. `for await` walks every page.
   */
  listDeliveries(
    id: string,
    params: WebhookDeliveryListParams = {},
    options?: RequestOptions,
  ): PagePromise<WebhookDelivery> {
    return this.list_<WebhookDelivery>(
      () => `/v1/webhook-endpoints/${seg(id, 'webhookEndpoints.listDeliveries', 'we')}/deliveries`,
      { ...params },
      options,
    );
  }
}
