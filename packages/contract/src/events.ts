import { z } from 'zod';
import { idSchema } from './ids.js';
import { ListQuerySchema } from './pagination.js';
import { AccountSchema } from './resources/account.js';
import { ApiKeySchema } from './resources/api-key.js';
import { BankAccountSchema } from './resources/bank-account.js';
import {
  CreditAssessmentSchema,
  LoanApplicationSchema,
  LoanOfferSchema,
  LoanSchema,
  MandateSchema,
  RepaymentSchema,
  UpcomingRepaymentSchema,
} from './resources/lending.js';
import { WebhookEndpointSchema } from './resources/webhooks.js';
import { WithdrawalSchema } from './resources/withdrawal.js';

/**
 * The API version events are written with. An event keeps the version it was created under, so a
 * consumer can tell which shape of `data.object` it is reading.
 */
export const API_VERSION = '2026-12-01';

/** What the catalogue needs to know about one event type. */
export interface EventTypeDefinition {
  /** When the event is emitted, for people reading `/v1/event-types` and the docs. */
  readonly description: string;
  /** Schema of `data.object`: the resource as it is right after the change. */
  readonly object: z.ZodObject;
}

/**
 * Every event type Lendwire emits, defined once: the event schema, its TypeScript union, the
 * `/v1/event-types` catalogue and the type filters are all derived from this table. Adding a type
 * is one entry here (its object schema must exist first).
 */
export const EVENT_TYPES = {
  'withdrawal.created': {
    description: 'A withdrawal was created; its amount and fee are now reserved in the wallet\u2019s `pending`.',
    object: WithdrawalSchema,
  },
  'withdrawal.succeeded': {
    description: 'The payout reached the bank account; the reserved amount and fee left the wallet.',
    object: WithdrawalSchema,
  },
  'withdrawal.failed': {
    description: 'The payout failed (see `failureCode`); the amount and fee are back in `available`.',
    object: WithdrawalSchema,
  },
  'loan_application.submitted': {
    description: 'A loan application was submitted for review.',
    object: LoanApplicationSchema,
  },
  'loan_application.approved': {
    description: 'The platform approved the application; `offerId` names the offer made.',
    object: LoanApplicationSchema,
  },
  'loan_application.rejected': {
    description: 'The platform rejected the application; `rejectionReason` says why.',
    object: LoanApplicationSchema,
  },
  'loan_application.withdrawn': {
    description: 'The partner withdrew the application before review.',
    object: LoanApplicationSchema,
  },
  'loan_offer.created': {
    description: 'An offer was made on an approved application; it is open until `expiresAt`.',
    object: LoanOfferSchema,
  },
  'loan_offer.accepted': {
    description: 'The offer was accepted; `loanId` names the loan created, pending disbursement.',
    object: LoanOfferSchema,
  },
  'loan_offer.declined': {
    description: 'The offer was declined.',
    object: LoanOfferSchema,
  },
  'loan_offer.expired': {
    description: 'The offer lapsed unaccepted at `expiresAt`.',
    object: LoanOfferSchema,
  },
  'loan.disbursed': {
    description:
      'The loan was funded: the principal less the origination fee is in the vendor\u2019s wallet, and the schedule runs from `disbursedAt`.',
    object: LoanSchema,
  },
  'loan.overdue': {
    description:
      'An installment passed its due date unpaid; `daysPastDue` and `delinquencyBucket` say how late the loan is.',
    object: LoanSchema,
  },
  'loan.paid_off': {
    description: 'The loan\u2019s outstanding total reached zero.',
    object: LoanSchema,
  },
  'loan.written_off': {
    description: 'The platform wrote the loan off; nothing more is collected.',
    object: LoanSchema,
  },
  'repayment.succeeded': {
    description: 'A repayment (manual or a mandate collection) settled; `allocation` says how it was applied.',
    object: RepaymentSchema,
  },
  'repayment.failed': {
    description:
      'A mandate collection failed (see `failureCode`). It is retried on the collection schedule (the due date, then +1 and +3 days); after the last attempt the installment stays overdue.',
    object: RepaymentSchema,
  },
  'repayment.upcoming': {
    description: 'An installment falls due in three days and is not yet paid.',
    object: UpcomingRepaymentSchema,
  },
  'mandate.activated': {
    description: 'The bank accepted the mandate; due installments will be collected through it.',
    object: MandateSchema,
  },
  'mandate.failed': {
    description: 'The bank refused the mandate (see `failureCode`).',
    object: MandateSchema,
  },
  'mandate.cancelled': {
    description: 'The mandate was cancelled; nothing more is collected through it.',
    object: MandateSchema,
  },
  'transaction_history.uploaded': {
    description: 'A transaction history was accepted for a credit assessment, which is now pending.',
    object: CreditAssessmentSchema,
  },
  'credit_assessment.completed': {
    description: 'A credit assessment finished: `score`, `category` and `breakdown` are set.',
    object: CreditAssessmentSchema,
  },
  'bank_account.added': {
    description: 'A bank account was added and can receive withdrawals.',
    object: BankAccountSchema,
  },
  'bank_account.removed': {
    description: 'A bank account was removed; new withdrawals to it are refused.',
    object: BankAccountSchema,
  },
  'api_key.created': {
    description: 'An API key was created. The event never carries the secret.',
    object: ApiKeySchema,
  },
  'api_key.rotated': {
    description: 'An API key got a new secret; the old one works until `previousSecretExpiresAt`.',
    object: ApiKeySchema,
  },
  'api_key.revoked': {
    description: 'An API key was revoked and is refused from now on.',
    object: ApiKeySchema,
  },
  'webhook_endpoint.disabled': {
    description:
      'A webhook endpoint was disabled by Lendwire: it answered 410 Gone, or every delivery failed for 5 days (`disabledReason`). Re-enable it with PATCH once fixed, then recover the failed deliveries.',
    object: WebhookEndpointSchema,
  },
  'account.suspended': {
    description: 'The account was suspended: its keys get 403 `account_suspended` everywhere but `/v1/me`.',
    object: AccountSchema,
  },
  'account.unsuspended': {
    description: 'The account was reinstated; its keys work again.',
    object: AccountSchema,
  },
} as const satisfies Record<string, EventTypeDefinition>;

/** An event type name such as `withdrawal.created`. */
export type EventType = keyof typeof EVENT_TYPES;

/** Every event type name, in catalogue order. */
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as [EventType, ...EventType[]];

/** Zod schema of an event type name. */
export const EventTypeSchema = z.enum(EVENT_TYPE_NAMES).meta({ id: 'EventTypeName' });

/** Schema of `data.object` for an event type. */
export type EventObjectSchema<K extends EventType> = (typeof EVENT_TYPES)[K]['object'];
/** The resource carried in `data.object` of an event type, e.g. a Withdrawal for `withdrawal.created`. */
export type EventObject<K extends EventType> = z.infer<EventObjectSchema<K>>;

/** The API request that caused an event, or null when it was caused by Lendwire (a worker, the clock). */
export const EventRequestSchema = z
  .object({
    id: z.string().nullable().meta({ description: 'The request\u2019s `X-Request-Id`' }),
    idempotencyKey: z.string().nullable().meta({ description: 'The request\u2019s `Idempotency-Key`, if any' }),
  })
  .meta({ id: 'EventRequest' });
/** The API request that caused an event. */
export type EventRequest = z.infer<typeof EventRequestSchema>;

/** `withdrawal.created` → `WithdrawalCreatedEvent`, the OpenAPI component name of that member. */
function componentName(type: string): string {
  const words = type.split(/[._]/);
  return `${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}Event`;
}

/**
 * Builds the schema of one event type. Generic over the object's shape (not the schema) so that
 * `previousAttributes` keeps the precise partial type of each resource.
 */
function eventMemberSchema<K extends EventType, Shape extends z.core.$ZodShape>(
  type: K,
  object: z.ZodObject<Shape, z.core.$strip>,
) {
  return z
    .object({
      id: idSchema('event'),
      object: z.literal('event'),
      type: z.literal(type),
      createdAt: z.string().meta({ description: 'ISO 8601 UTC' }),
      livemode: z.boolean(),
      account: idSchema('account').meta({ description: 'The account the event belongs to' }),
      apiVersion: z.string().meta({ description: 'API version the event was written with', example: API_VERSION }),
      data: z.object({
        object: object,
        previousAttributes: object
          .partial()
          .optional()
          .meta({ description: 'For updates: the changed fields, with the values they had before' }),
      }),
      request: EventRequestSchema.nullable(),
    })
    .meta({ id: componentName(type), description: EVENT_TYPES[type].description });
}

/** Schema of the event of one type, e.g. `EventMemberSchema<'withdrawal.created'>`. */
export type EventMemberSchema<K extends EventType> = ReturnType<
  typeof eventMemberSchema<K, EventObjectSchema<K>['shape']>
>;

/** The union of every event type's schema, each member precise about its `type` and `data.object`. */
type AnyEventMemberSchema = { [K in EventType]: EventMemberSchema<K> }[EventType];

const eventMembers = EVENT_TYPE_NAMES.map((type) => {
  const object: z.ZodObject<z.core.$ZodShape, z.core.$strip> = EVENT_TYPES[type].object;
  return eventMemberSchema(type, object);
});

/**
 * An event: something happened to a resource of an account. Written in the same database
 * transaction as the change (transactional outbox), listed at `GET /v1/events` and delivered to
 * webhook endpoints. Discriminated on `type`, so narrowing on it types `data.object`.
 */
export const EventSchema = z
  // The members are built from EVENT_TYPES at run time; the cast restores what `map` cannot express:
  // one member per type, each with its own `type` literal and object schema.
  .discriminatedUnion('type', eventMembers as unknown as [AnyEventMemberSchema, ...AnyEventMemberSchema[]])
  .meta({ id: 'Event' });

/** An event, as listed by `/v1/events` and delivered to webhooks: a union discriminated by `type`. */
export type LendwireEvent = z.infer<typeof EventSchema>;
/** The event of one type, e.g. `EventOf<'withdrawal.failed'>`. */
export type EventOf<K extends EventType> = Extract<LendwireEvent, { type: K }>;

/**
 * True when an event type matches a filter: `*` (everything), an exact type, or `prefix.*`
 * (every type of that resource: `withdrawal.*` matches `withdrawal.failed`, not `withdrawal_x.y`).
 * Used by `GET /v1/events?type=` and webhook endpoints' `enabledEvents`.
 */
export function eventTypeMatches(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  if (!pattern.endsWith('.*')) return false;
  const prefix = pattern.slice(0, -1);
  return type.length > prefix.length && type.startsWith(prefix);
}

/** Syntax of an event type filter: `*`, `resource.action` or `resource.*`. */
const EVENT_TYPE_PATTERN = /^(\*|[a-z_]+(\.[a-z_]+|\.\*))$/;

/**
 * An event type filter: `*`, an event type, or `prefix.*`. Only the syntax is checked, so a filter
 * for a type added in a later version is accepted (it simply matches nothing yet).
 */
export const EventTypePatternSchema = z
  .string()
  .max(100)
  .regex(EVENT_TYPE_PATTERN, 'must be an event type such as withdrawal.created, or prefix.* such as withdrawal.*')
  .meta({ description: 'An event type, `prefix.*` or `*`', example: 'withdrawal.*' });

/** Query of `GET /v1/events`: the list parameters and an optional type filter. */
export const EventListQuerySchema = ListQuerySchema.extend({
  type: EventTypePatternSchema.optional(),
});
/** Query of `GET /v1/events`. */
export type EventListQuery = z.input<typeof EventListQuerySchema>;

/** One entry of `GET /v1/event-types`: an event type and the JSON Schema of its `data.object`. */
export const EventTypeInfoSchema = z
  .object({
    object: z.literal('event_type'),
    type: EventTypeSchema,
    description: z.string(),
    schema: z.record(z.string(), z.unknown()).meta({ description: 'JSON Schema (2020-12) of `data.object`' }),
  })
  .meta({ id: 'EventTypeInfo' });
/** One entry of the event type catalogue. */
export type EventTypeInfo = z.infer<typeof EventTypeInfoSchema>;

let catalog: readonly EventTypeInfo[] | undefined;

/**
 * JSON Schema of an event's `data.object`. Objects are left open (no `additionalProperties: false`):
 * adding a field to a resource is a compatible change, and a consumer validating webhooks against
 * the catalogue must not start refusing events when it happens.
 */
function objectJsonSchema(object: z.ZodObject): Record<string, unknown> {
  return z.toJSONSchema(object, {
    io: 'output',
    unrepresentable: 'any',
    override: ({ jsonSchema }) => {
      if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
    },
  }) as Record<string, unknown>;
}

/**
 * The event type catalogue served at `GET /v1/event-types`, one entry per type with the JSON Schema
 * of its `data.object`. Computed once: the table cannot change while the process runs.
 */
export function eventTypeCatalog(): readonly EventTypeInfo[] {
  catalog ??= EVENT_TYPE_NAMES.map((type) => ({
    object: 'event_type' as const,
    type,
    description: EVENT_TYPES[type].description,
    schema: objectJsonSchema(EVENT_TYPES[type].object),
  }));
  return catalog;
}
