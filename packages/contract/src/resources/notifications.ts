import { z } from 'zod';
import { sizeFirst } from '../bounded.js';
import { ListQuerySchema } from '../pagination.js';

/**
 * Every notification type: the event type that causes it, and `api_key.expiring` (raised 7 days
 * before a key expires). Preferences and templates use the same names.
 */
export const NOTIFICATION_TYPE_NAMES = [
  'loan_application.rejected',
  'loan_offer.created',
  'loan_offer.accepted',
  'loan_offer.declined',
  'loan_offer.expired',
  'loan.disbursed',
  'repayment.upcoming',
  'repayment.succeeded',
  'repayment.failed',
  'loan.overdue',
  'loan.paid_off',
  'mandate.failed',
  'withdrawal.created',
  'withdrawal.succeeded',
  'withdrawal.failed',
  'bank_account.added',
  'transaction_history.uploaded',
  'credit_assessment.completed',
  'account.suspended',
  'account.unsuspended',
  'api_key.rotated',
  'api_key.expiring',
  'webhook_endpoint.disabled',
] as const;
/** A notification type. */
export type NotificationTypeName = (typeof NOTIFICATION_TYPE_NAMES)[number];

/** Schema of a notification type name. */
export const NotificationTypeSchema = z
  .enum(NOTIFICATION_TYPE_NAMES, { error: 'must be a notification type, such as repayment.failed (see the catalog)' })
  .meta({ id: 'NotificationType', example: 'repayment.failed' });

/** The channels a notification goes out on. */
export const NotificationChannelSchema = z
  .enum(['in_app', 'email', 'sms'], { error: 'must be in_app, email or sms' })
  .meta({ id: 'NotificationChannel' });
/** A notification channel. */
export type NotificationChannelName = z.infer<typeof NotificationChannelSchema>;

/** Where a channel's delivery is. `held`: waiting for the recipient's quiet hours to end. */
export const NotificationDeliveryStatusSchema = z
  .enum(['queued', 'held', 'sent', 'failed', 'skipped'])
  .meta({ id: 'NotificationDeliveryStatus' });

/** Who a notification is for. */
export const NotificationRecipientSchema = z
  .object({
    kind: z.enum(['account', 'customer']),
    id: z.string().meta({ description: 'The account id (`acct_…`) or the customer id (`cus_…`)' }),
  })
  .meta({ id: 'NotificationRecipient' });

/**
 * A notification (DESIGN §7): one per event and recipient, readable in-app, with the state of its
 * e-mail and SMS deliveries.
 */
export const NotificationSchema = z
  .object({
    id: z.string().meta({ example: 'ntf_01jd8x0000abcdefghjkmnpqrs' }),
    object: z.literal('notification'),
    type: NotificationTypeSchema,
    recipient: NotificationRecipientSchema,
    title: z.string(),
    body: z.string(),
    data: z.record(z.string(), z.unknown()).meta({ description: 'The variables the message was written from' }),
    readAt: z.string().nullable().meta({ description: 'ISO 8601 UTC; null while unread' }),
    channels: z.array(
      z.object({
        channel: NotificationChannelSchema,
        status: NotificationDeliveryStatusSchema,
        attempts: z.number().int().min(0),
        reason: z.string().nullable().meta({
          description:
            'Why it was skipped or failed: `preference`, `no_address`, `transport_failed`, `sent_in_live_mode`',
        }),
        heldUntil: z.string().nullable().meta({ description: 'Set while `held`: when quiet hours end' }),
      }),
    ),
    eventId: z.string().nullable().meta({ description: 'The event that caused it (null for `api_key.expiring`)' }),
    livemode: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'Notification' });
/** A notification. */
export type Notification = z.infer<typeof NotificationSchema>;

const booleanQuery = () =>
  z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional();

/** Query of `GET /v1/notifications`. */
export const NotificationListQuerySchema = ListQuerySchema.extend({
  unread: booleanQuery().meta({ description: 'Only unread (true) or only read (false) notifications' }),
  recipientId: z
    .string()
    .max(64)
    .optional()
    .meta({ description: 'Only those for this recipient: the account id or a customer id' }),
  type: NotificationTypeSchema.optional(),
});

/** Body of `POST /v1/notifications/read-all`. */
export const NotificationReadAllSchema = z
  .object({
    recipientId: z.string().max(64).optional().meta({ description: 'Only this recipient\u2019s (default: all)' }),
  })
  .strict();

/** Answer of `POST /v1/notifications/read-all`. */
export const NotificationReadAllResultSchema = z.object({
  object: z.literal('notification_read_all'),
  updated: z.number().int().min(0),
});

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Quiet hours: e-mail and SMS falling in the window are held until it ends (required types are not held). */
export const QuietHoursSchema = z
  .object({
    start: z.string().regex(HHMM, 'must be a 24-hour HH:MM time').meta({ example: '22:00' }),
    end: z.string().regex(HHMM, 'must be a 24-hour HH:MM time').meta({ example: '07:00' }),
    timeZone: z
      .string()
      .max(64)
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Africa/Lagos')
      .meta({ example: 'Africa/Lagos' }),
  })
  .strict()
  .meta({ id: 'QuietHours' });

const locale = () =>
  z
    .string()
    .max(35)
    .refine((tag) => {
      try {
        return Intl.NumberFormat.supportedLocalesOf([tag]).length === 1;
      } catch {
        return false;
      }
    }, 'must be a BCP 47 locale such as en-NG')
    .meta({ description: 'Locale money and dates are written in (default en-NG)', example: 'en-NG' });

/** One preference: a type on a channel, on or off. */
export const NotificationPreferenceSchema = z
  .object({
    type: NotificationTypeSchema,
    channel: NotificationChannelSchema,
    enabled: z.boolean(),
  })
  .strict();

/** Most preferences one PUT may carry. */
export const MAX_PREFERENCES = 200;

/** Body of `PUT /v1/notification-preferences`: the preferences given are set, others keep theirs. */
export const NotificationPreferencesUpdateSchema = z
  .object({
    recipientId: z
      .string()
      .max(64)
      .optional()
      .meta({ description: 'A customer id, or the account id (default: the account)' }),
    preferences: sizeFirst(z.array(NotificationPreferenceSchema).max(MAX_PREFERENCES), MAX_PREFERENCES, 'preferences')
      .optional()
      .default([]),
    quietHours: QuietHoursSchema.nullable().optional().meta({ description: 'null removes them' }),
    locale: locale().nullable().optional(),
  })
  .strict();

/** Query of `GET /v1/notification-preferences`. */
export const NotificationPreferencesQuerySchema = z.object({
  recipientId: z.string().max(64).optional().meta({ description: 'A customer id, or the account id (default)' }),
});

/** A recipient's preferences: every type and channel it can get, with the effective setting. */
export const NotificationPreferencesSchema = z
  .object({
    object: z.literal('notification_preferences'),
    recipientId: z.string(),
    recipientKind: z.enum(['account', 'customer']),
    preferences: z.array(
      z.object({
        type: NotificationTypeSchema,
        channel: NotificationChannelSchema,
        enabled: z.boolean(),
        default: z.boolean().meta({ description: 'On when nothing is set' }),
        required: z.boolean().meta({ description: 'Cannot be turned off (security and account status)' }),
      }),
    ),
    quietHours: QuietHoursSchema.nullable(),
    locale: z.string(),
  })
  .meta({ id: 'NotificationPreferences' });
/** A recipient's notification preferences. */
export type NotificationPreferences = z.infer<typeof NotificationPreferencesSchema>;

/** Body of `PUT /v1/notification-templates/{type}/{channel}`. */
export const NotificationTemplateUpdateSchema = z
  .object({
    subject: z
      .string()
      .min(1)
      .max(20_000)
      .nullable()
      .optional()
      .meta({ description: 'E-mail subject or in-app title (required for those channels; absent for SMS)' }),
    text: z.string().min(1).max(20_000).meta({ description: 'Plain text (e-mail), in-app body, or SMS text' }),
    html: z.string().min(1).max(20_000).nullable().optional().meta({ description: 'E-mail HTML (e-mail only)' }),
  })
  .strict();

/** A template in use for a type and channel: the account's newest override, or the built-in one (version 0). */
export const NotificationTemplateSchema = z
  .object({
    object: z.literal('notification_template'),
    type: NotificationTypeSchema,
    channel: NotificationChannelSchema,
    version: z.number().int().min(0).meta({ description: '0: the built-in template' }),
    subject: z.string().nullable(),
    text: z.string(),
    html: z.string().nullable(),
    variables: z
      .record(z.string(), z.unknown())
      .meta({ description: 'Sample of the variables templates of this type see' }),
    createdAt: z.string().nullable(),
  })
  .meta({ id: 'NotificationTemplate' });
/** A notification template. */
export type NotificationTemplate = z.infer<typeof NotificationTemplateSchema>;

/** Body of `POST /v1/notification-templates/{type}/preview`. */
export const NotificationTemplatePreviewSchema = z
  .object({
    channel: NotificationChannelSchema.optional().meta({ description: 'Default: every channel of the type' }),
    template: NotificationTemplateUpdateSchema.optional().meta({
      description: 'A draft to render instead of the template in use',
    }),
    variables: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'Merged over the sample variables of the type' }),
  })
  .strict();

/** What a preview rendered, per channel. */
export const NotificationTemplatePreviewResultSchema = z.object({
  object: z.literal('notification_template_preview'),
  type: NotificationTypeSchema,
  rendered: z.array(
    z.object({
      channel: NotificationChannelSchema,
      version: z.number().int().min(0),
      subject: z.string().nullable(),
      text: z.string(),
      html: z.string().nullable(),
    }),
  ),
});

/** Body of `POST /v1/notifications/read-all`. */
export type NotificationReadAllParams = z.input<typeof NotificationReadAllSchema>;
/** Answer of `POST /v1/notifications/read-all`: how many notifications were unread and are now read. */
export type NotificationReadAllResult = z.infer<typeof NotificationReadAllResultSchema>;
/** Where a notification's e-mail or SMS is (`held`: waiting for quiet hours to end). */
export type NotificationDeliveryStatus = z.infer<typeof NotificationDeliveryStatusSchema>;
/** A recipient's quiet hours: a daily window, in a time zone, when e-mail and SMS wait. */
export type NotificationQuietHours = z.infer<typeof QuietHoursSchema>;
/** Body of `PUT /v1/notification-preferences`. */
export type NotificationPreferencesUpdateParams = z.input<typeof NotificationPreferencesUpdateSchema>;
/** Body of `PUT /v1/notification-templates/{type}/{channel}`. */
export type NotificationTemplateUpdateParams = z.input<typeof NotificationTemplateUpdateSchema>;
/** Body of `POST /v1/notification-templates/{type}/preview`. */
export type NotificationTemplatePreviewParams = z.input<typeof NotificationTemplatePreviewSchema>;
/** What `POST /v1/notification-templates/{type}/preview` rendered, per channel. */
export type NotificationTemplatePreview = z.infer<typeof NotificationTemplatePreviewResultSchema>;
