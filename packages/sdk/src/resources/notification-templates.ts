import type {
  NotificationChannelName,
  NotificationTemplate,
  NotificationTemplatePreview,
  NotificationTemplatePreviewParams,
  NotificationTemplateUpdateParams,
  NotificationTypeName,
} from '@lendwire/contract';
import type { APIPromise } from '../core/api-promise.js';
import { APIResource, nameSeg } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

const TYPE = 'type must be a notification type such as repayment.failed';
const CHANNEL = 'channel must be in_app, email or sms';

/**
 * The words of each notification type on each channel. Every type comes with built-in templates
 * (version 0); an account may override them, one version after another, and notifications written
 * from then on use its newest. Templates are Liquid: `{{ loan.id }}`, `{{ repayment.amount | money }}`
 * (money in the recipient's locale), `{{ offer.expiresAt | date_long }}`; HTML output is escaped.
 * An unknown variable or filter is an error, never an empty string, so a template is checked against
 * the type's sample variables before it is saved.
 */
export class NotificationTemplates extends APIResource {
  /**
   * The template in use for `type` on `channel`: the newest override, or the built-in one (`version`
   * 0), with `variables`, a sample of what templates of this type can use. A channel the type has no
   * message on is an `UnprocessableEntityError` (422).
   */
  retrieve(
    type: NotificationTypeName,
    channel: NotificationChannelName,
    options?: RequestOptions,
  ): APIPromise<NotificationTemplate> {
    return this.request_(() => ({
      method: 'GET',
      path: `/v1/notification-templates/${nameSeg(type, 'notificationTemplates.retrieve', TYPE)}/${nameSeg(channel, 'notificationTemplates.retrieve', CHANNEL)}`,
      options,
    }));
  }

  /**
   * Saves a new version of the account's template for `type` on `channel` and returns it. E-mail takes
   * `subject`, `text` and `html`; in-app `subject` (the title) and `text`; SMS `text` only. A template
   * that does not render with the sample variables (an unknown variable or filter, a syntax error) is
   * an `UnprocessableEntityError` (422) whose `errors` name the part, and nothing is saved.
   */
  update(
    type: NotificationTypeName,
    channel: NotificationChannelName,
    params: NotificationTemplateUpdateParams,
    options?: RequestOptions,
  ): APIPromise<NotificationTemplate> {
    return this.request_(() => ({
      method: 'PUT',
      path: `/v1/notification-templates/${nameSeg(type, 'notificationTemplates.update', TYPE)}/${nameSeg(channel, 'notificationTemplates.update', CHANNEL)}`,
      body: params,
      options,
    }));
  }

  /**
   * Renders what a recipient would get, saving and sending nothing: the templates in use for every
   * channel of `type` (or only `params.channel`), or a draft `params.template` for `params.channel`,
   * with the type's sample variables overridden by `params.variables`. Try a template here before
   * `update`.
   */
  preview(
    type: NotificationTypeName,
    params: NotificationTemplatePreviewParams = {},
    options?: RequestOptions,
  ): APIPromise<NotificationTemplatePreview> {
    return this.request_(() => ({
      method: 'POST',
      path: `/v1/notification-templates/${nameSeg(type, 'notificationTemplates.preview', TYPE)}/preview`,
      body: params,
      options,
    }));
  }
}
