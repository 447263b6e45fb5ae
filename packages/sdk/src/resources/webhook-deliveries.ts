import type { WebhookDelivery } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * Webhook deliveries (`msg_…`): one event to one endpoint, with every attempt. List an endpoint's
 * deliveries with `webhookEndpoints.listDeliveries(id)`.
 */
export class WebhookDeliveries extends APIResource {
  /** Retrieves a delivery with its attempts. Another account's is a `NotFoundError` (404). */
  retrieve(id: string, options?: RequestOptions): APIPromise<WebhookDelivery> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/webhook-deliveries/${seg(id, 'webhookDeliveries.retrieve', 'msg')}`,
      options,
    }));
  }

  /**
   * Sends a delivery again now, whatever its status, with its retry schedule starting over. Resolves
   * with the delivery, `pending` again; the attempt itself happens after. A delivery whose endpoint was
   * deleted is a `ConflictError` (409) with code `state_conflict`.
   */
  retry(id: string, options?: RequestOptions): APIPromise<WebhookDelivery> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/webhook-deliveries/${seg(id, 'webhookDeliveries.retry', 'msg')}/retry`,
      options,
    }));
  }
}
