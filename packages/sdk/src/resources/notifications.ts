import type {
  ListQuery,
  Notification,
  NotificationReadAllParams,
  NotificationReadAllResult,
  NotificationTypeName,
} from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import type { PagePromise } from '../core/pagination.js';
import { APIResource, seg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** Parameters of `notifications.list()`: the list parameters and optional filters. */
export interface NotificationListParams extends ListQuery {
  /** `true`: only unread notifications; `false`: only read ones. Default: both. */
  unread?: boolean;
  /** Only those for this recipient: the account's id (`acct_…`) or one of its customers' (`cus_…`). */
  recipientId?: string;
  /** Only this type, e.g. `repayment.failed`. */
  type?: NotificationTypeName;
}

/**
 * The in-app inbox of the account and of its customers. Lendwire writes a notification for each
 * event a person should hear about (a rejected application, a failed repayment, a withdrawal that
 * reached the bank…), one per recipient, shortly after the event: never inside the request that
 * caused it. Each carries its title and body as rendered, and the state of its e-mail and SMS
 * deliveries in `channels`. Reading needs `notifications:read`; marking read, `notifications:write`.
 */
export class Notifications extends APIResource {
  /**
   * Lists notifications, newest first, filtered by `unread`, `recipientId` and `type`; `for await`
   * walks every page. An unknown `type` is a `BadRequestError` (400).
   */
  list(params: NotificationListParams = {}, options?: RequestOptions): PagePromise<Notification> {
    const { unread, ...rest } = params;
    return this.list_<Notification>(
      '/v1/notifications',
      { ...rest, unread: unread === undefined ? undefined : String(unread) },
      options,
    );
  }

  /** Retrieves a notification. Another account's, or an unknown id, is a `NotFoundError` (404). */
  retrieve(id: string, options?: RequestOptions): APIPromise<Notification> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/notifications/${seg(id, 'notifications.retrieve', 'ntf')}`,
      options,
    }));
  }

  /** Marks a notification read and returns it. A notification already read keeps its first `readAt`. */
  markRead(id: string, options?: RequestOptions): APIPromise<Notification> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/notifications/${seg(id, 'notifications.markRead', 'ntf')}/read`,
      options,
    }));
  }

  /**
   * Marks every unread notification read, or only those of `recipientId`. Resolves with how many
   * were unread (`updated`): 0 when called again.
   */
  readAll(params: NotificationReadAllParams = {}, options?: RequestOptions): APIPromise<NotificationReadAllResult> {
    return this.transport.request({ method: 'POST', path: '/v1/notifications/read-all', body: params, options });
  }
}
