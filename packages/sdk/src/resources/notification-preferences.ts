import type { NotificationPreferences, NotificationPreferencesUpdateParams } from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import { APIResource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** Parameters of `notificationPreferences.retrieve()`. */
export interface NotificationPreferencesRetrieveParams {
  /** A customer's id (`cus_…`), or the account's own (the default). */
  recipientId?: string;
}

/**
 * Who hears about what, and how: per recipient (the account, or one of its customers), each
 * notification type on each channel (`in_app`, `email`, `sms`) on or off, quiet hours during which
 * e-mail and SMS wait, and the locale messages are written in. Security and account-status types are
 * `required`: they cannot be turned off, and quiet hours do not hold them.
 */
export class NotificationPreferencesResource extends APIResource {
  /**
   * A recipient's preferences: every type and channel it can get, with the effective setting, the
   * default and whether it is required; its quiet hours and locale. A `recipientId` that is not the
   * account or one of its customers is a `NotFoundError` (404).
   */
  retrieve(
    params: NotificationPreferencesRetrieveParams = {},
    options?: RequestOptions,
  ): APIPromise<NotificationPreferences> {
    return this.transport.request({
      method: 'GET',
      path: '/v1/notification-preferences',
      query: { recipientId: params.recipientId },
      options,
    });
  }

  /**
   * Sets the preferences given and keeps the others; sets `quietHours` and `locale` when present
   * (`null` clears them). Resolves with the preferences now in effect. Turning off a required type, or
   * naming a type or channel the recipient never gets, is an `UnprocessableEntityError` (422) whose
   * `errors` name the entry (`preferences.1.enabled`); nothing of the call is saved. A malformed time or
   * unknown time zone is a `BadRequestError` (400).
   */
  update(params: NotificationPreferencesUpdateParams, options?: RequestOptions): APIPromise<NotificationPreferences> {
    return this.transport.request({ method: 'PUT', path: '/v1/notification-preferences', body: params, options });
  }
}
