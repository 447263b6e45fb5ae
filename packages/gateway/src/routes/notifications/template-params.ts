import { z } from '@hono/zod-openapi';
import { NotificationChannelSchema, NotificationTypeSchema } from '@lendwire/contract';

/**
 * Path parameters of `/v1/notification-templates/{type}/preview`. `{type}` is a notification type of
 * the catalog: like a malformed id on other routes, an unknown type is a 400 `validation_failed`
 * naming `path.type`, checked before any lookup.
 */
export const typeParams = z.object({ type: NotificationTypeSchema });

/**
 * Path parameters of `/v1/notification-templates/{type}/{channel}`. A channel that is not `in_app`,
 * `email` or `sms` is a 400 naming `path.channel`; a real channel the type has no message on is a 422
 * from the service (the request is well-formed, the pair does not exist).
 */
export const typeChannelParams = z.object({
  type: NotificationTypeSchema,
  channel: NotificationChannelSchema,
});
