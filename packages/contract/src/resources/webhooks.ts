import { z } from 'zod';
import { sizeFirst } from '../bounded.js';
import { idSchema } from '../ids.js';
import { ListQuerySchema } from '../pagination.js';
import { MetadataSchema } from './account.js';

/** Most event filters one endpoint may carry. */
export const MAX_ENABLED_EVENTS = 100;
/** Longest endpoint URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;
/** Highest per-endpoint throttle, in messages per second. */
export const MAX_THROTTLE_RATE = 1000;
/** Longest grace period of a secret rotation: 7 days. */
export const MAX_ROTATION_GRACE_SECONDS = 7 * 86_400;

/**
 * An event type filter of an endpoint: `*`, an exact type such as `loan.disbursed`, or `prefix.*`
 * such as `loan.*`. Only the syntax is checked, so a filter for a later type is accepted.
 */
export const EnabledEventSchema = z
  .string()
  .max(100, 'must be at most 100 characters')
  .regex(
    /^(\*|[a-z_]+(\.[a-z_]+|\.\*))$/,
    'must be *, an event type such as loan.disbursed, or prefix.* such as loan.*',
  )
  .meta({ example: 'loan.*' });

const url = () =>
  z
    .string()
    .max(MAX_WEBHOOK_URL_LENGTH, `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`)
    .refine((value) => {
      try {
        const parsed = new URL(value);
        return (
          (parsed.protocol === 'https:' || parsed.protocol === 'http:') &&
          parsed.username === '' &&
          parsed.password === ''
        );
      } catch {
        return false;
      }
    }, 'must be an absolute http(s) URL without credentials')
    .meta({ description: 'Where events are POSTed', example: 'https://example.com/webhooks/lendwire' });

const enabledEvents = () =>
  sizeFirst(
    z.array(EnabledEventSchema).min(1, 'must name at least one event type, or *').max(MAX_ENABLED_EVENTS),
    MAX_ENABLED_EVENTS,
    'event types',
  );

const throttleRate = () =>
  z
    .number()
    .int('must be a whole number of messages per second')
    .min(1)
    .max(MAX_THROTTLE_RATE)
    .nullable()
    .meta({ description: 'At most this many messages per second to the endpoint; null for no limit' });

/** Body of `POST /v1/webhook-endpoints`. */
export const WebhookEndpointCreateSchema = z
  .object({
    url: url(),
    enabledEvents: enabledEvents().meta({ description: 'Event types to receive: `*`, exact types, or `prefix.*`' }),
    description: z.string().max(500, 'must be at most 500 characters').optional(),
    metadata: MetadataSchema.default({}),
    throttleRate: throttleRate().optional(),
  })
  .strict()
  .meta({ id: 'WebhookEndpointCreate' });
/** Parameters of `POST /v1/webhook-endpoints`. */
export type WebhookEndpointCreateParams = z.input<typeof WebhookEndpointCreateSchema>;

/** Body of `PATCH /v1/webhook-endpoints/{id}`: any of the fields, and `status` to disable or re-enable. */
export const WebhookEndpointUpdateSchema = z
  .object({
    url: url().optional(),
    enabledEvents: enabledEvents().optional(),
    description: z.string().max(500).nullable().optional(),
    metadata: MetadataSchema.optional(),
    throttleRate: throttleRate().optional(),
    status: z.enum(['enabled', 'disabled']).optional(),
  })
  .strict()
  .meta({ id: 'WebhookEndpointUpdate' });
/** Parameters of `PATCH /v1/webhook-endpoints/{id}`. */
export type WebhookEndpointUpdateParams = z.input<typeof WebhookEndpointUpdateSchema>;

/** Body of `POST /v1/webhook-endpoints/{id}/rotate-secret`. */
export const WebhookSecretRotateSchema = z
  .object({
    gracePeriodSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_ROTATION_GRACE_SECONDS)
      .default(86_400)
      .meta({ description: 'How long deliveries are also signed with the old secret (default 24 h)' }),
  })
  .strict()
  .meta({ id: 'WebhookSecretRotate' });
/** Parameters of `POST /v1/webhook-endpoints/{id}/rotate-secret`. */
export type WebhookSecretRotateParams = z.input<typeof WebhookSecretRotateSchema>;

/** Body of `POST /v1/webhook-endpoints/{id}/test`. */
export const WebhookTestSchema = z
  .object({ eventType: z.string().regex(/^[a-z_]+\.[a-z_]+$/, 'must be an event type such as loan.disbursed') })
  .strict()
  .meta({ id: 'WebhookTest' });
/** Parameters of `POST /v1/webhook-endpoints/{id}/test`. */
export type WebhookTestParams = z.input<typeof WebhookTestSchema>;

/** Body of `POST /v1/webhook-endpoints/{id}/recover`. */
export const WebhookRecoverSchema = z
  .object({
    since: z.iso.datetime({ offset: true }).meta({ description: 'Re-queue the failed deliveries created since then' }),
  })
  .strict()
  .meta({ id: 'WebhookRecover' });
/** Parameters of `POST /v1/webhook-endpoints/{id}/recover`. */
export type WebhookRecoverParams = z.input<typeof WebhookRecoverSchema>;

/** A webhook endpoint. `secret` (`whsec_…`) is present only in the responses of create and rotate. */
export const WebhookEndpointSchema = z
  .object({
    id: idSchema('webhookEndpoint'),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    enabledEvents: z.array(z.string()),
    description: z.string().nullable(),
    status: z.enum(['enabled', 'disabled']),
    disabledReason: z
      .string()
      .nullable()
      .meta({ description: 'Why it was disabled: `manual`, `gone` (a 410), or `failing` (5 days of failures)' }),
    throttleRate: z.number().int().nullable(),
    secret: z.string().optional().meta({ description: 'Shown once, on create and rotate' }),
    previousSecretExpiresAt: z
      .string()
      .nullable()
      .meta({ description: 'During a rotation\u2019s grace period, until when the old secret also signs' }),
    metadata: MetadataSchema,
    livemode: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' });
/** A webhook endpoint. */
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

/** One attempt to deliver a message. */
export const WebhookAttemptSchema = z
  .object({
    id: idSchema('attempt'),
    at: z.string(),
    responseStatus: z.number().int().nullable().meta({ description: 'HTTP status, or null when no response' }),
    durationMs: z.number().int(),
    error: z
      .string()
      .nullable()
      .meta({ description: 'Why the attempt failed without a response (timeout, refused, …)' }),
    responseExcerpt: z.string().nullable().meta({ description: 'Up to 1 KiB of the response body' }),
  })
  .meta({ id: 'WebhookAttempt' });
/** One delivery attempt. */
export type WebhookAttempt = z.infer<typeof WebhookAttemptSchema>;

/** Delivery status: `pending` (queued or retrying), `succeeded` (a 2xx), `failed` (attempts exhausted). */
export const WebhookDeliveryStatusSchema = z
  .enum(['pending', 'succeeded', 'failed'])
  .meta({ id: 'WebhookDeliveryStatus' });

/** One event to one endpoint, with every attempt. */
export const WebhookDeliverySchema = z
  .object({
    id: idSchema('message'),
    object: z.literal('webhook_delivery'),
    endpointId: idSchema('webhookEndpoint'),
    eventId: idSchema('event'),
    eventType: z.string(),
    status: WebhookDeliveryStatusSchema,
    attemptCount: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    attempts: z.array(WebhookAttemptSchema),
    livemode: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });
/** A webhook delivery. */
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

/** Query of `GET /v1/webhook-endpoints/{id}/deliveries`. */
export const WebhookDeliveryListQuerySchema = ListQuerySchema.extend({
  status: WebhookDeliveryStatusSchema.optional(),
});
/** Query of `GET /v1/webhook-endpoints/{id}/deliveries`. */
export type WebhookDeliveryListQuery = z.input<typeof WebhookDeliveryListQuerySchema>;

/** Response of `POST /v1/webhook-endpoints/{id}/recover`. */
export const WebhookRecoverResultSchema = z
  .object({
    object: z.literal('webhook_recovery'),
    endpointId: idSchema('webhookEndpoint'),
    requeued: z.number().int(),
  })
  .meta({ id: 'WebhookRecoverResult' });
/** Response of `POST /v1/webhook-endpoints/{id}/recover`. */
export type WebhookRecoverResult = z.infer<typeof WebhookRecoverResultSchema>;
