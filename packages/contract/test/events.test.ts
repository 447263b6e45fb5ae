import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  API_VERSION,
  EVENT_TYPE_NAMES,
  EVENT_TYPES,
  EventListQuerySchema,
  type EventOf,
  EventSchema,
  type EventType,
  EventTypeInfoSchema,
  EventTypeSchema,
  eventTypeCatalog,
  eventTypeMatches,
  type LendwireEvent,
} from '../src/events.js';
import { generateId } from '../src/ids.js';
import type { Account } from '../src/resources/account.js';
import type { ApiKey } from '../src/resources/api-key.js';
import type { BankAccount } from '../src/resources/bank-account.js';
import type {
  CreditAssessment,
  Loan,
  LoanApplication,
  LoanOffer,
  Mandate,
  Repayment,
  UpcomingRepayment,
} from '../src/resources/lending.js';
import type { Withdrawal } from '../src/resources/withdrawal.js';

const at = '2026-12-01T10:00:00.000Z';
const accountId = generateId('account');

const withdrawal: Withdrawal = {
  id: generateId('withdrawal'),
  object: 'withdrawal',
  walletId: generateId('wallet'),
  bankAccountId: generateId('bankAccount'),
  amount: { amount: 150_000, currency: 'NGN' },
  fee: { amount: 5_000, currency: 'NGN' },
  status: 'pending',
  failureCode: null,
  failureMessage: null,
  reference: 'rail_wd_000001',
  description: null,
  metadata: {},
  livemode: false,
  createdAt: at,
  updatedAt: at,
};

const bankAccount: BankAccount = {
  id: generateId('bankAccount'),
  object: 'bank_account',
  bankCode: '058',
  last4: '6789',
  accountName: 'Ada Stores Ltd',
  currency: 'NGN',
  status: 'verified',
  metadata: { branch: 'ikeja' },
  livemode: false,
  createdAt: at,
  updatedAt: at,
};

const apiKey: ApiKey = {
  id: generateId('apiKey'),
  object: 'api_key',
  account: accountId,
  name: 'checkout server',
  start: 'lw_test_AbCd',
  scopes: ['wallets:read'],
  status: 'active',
  expiresAt: null,
  ipAllowlist: null,
  rateLimit: null,
  lastUsedAt: null,
  rotatedAt: null,
  previousSecretExpiresAt: null,
  revokedAt: null,
  metadata: {},
  livemode: false,
  createdAt: at,
};

const account: Account = {
  id: accountId,
  object: 'account',
  name: 'Ada Stores',
  contactEmail: 'ops@ada.example',
  tier: 'free',
  status: 'suspended',
  platform: false,
  metadata: {},
  createdAt: at,
  updatedAt: at,
};

const ngn = (amount: number) => ({ amount, currency: 'NGN' as const });
const customerId = generateId('customer');
const loanApplicationId = generateId('loanApplication');
const loanOfferId = generateId('loanOffer');
const loanId = generateId('loan');
const mandateId = generateId('mandate');

const loanApplication: LoanApplication = {
  id: loanApplicationId,
  object: 'loan_application',
  customerId,
  amount: ngn(50_000_000),
  termMonths: 12,
  purpose: 'Inventory for the shop',
  status: 'approved',
  rejectionReason: null,
  offerId: loanOfferId,
  metadata: {},
  livemode: false,
  createdAt: at,
  updatedAt: at,
};

const loan: Loan = {
  id: loanId,
  object: 'loan',
  applicationId: loanApplicationId,
  offerId: loanOfferId,
  customerId,
  principal: ngn(50_000_000),
  annualInterestRateBps: 2500,
  termMonths: 12,
  amortization: 'equal_installments',
  originationFee: ngn(500_000),
  status: 'active',
  disbursedAt: at,
  outstanding: { principal: ngn(46_000_000), interest: ngn(950_000), fees: ngn(0), total: ngn(46_950_000) },
  nextDueDate: '2027-01-01',
  daysPastDue: 0,
  delinquencyBucket: 'current',
  metadata: {},
  livemode: false,
  createdAt: at,
  updatedAt: at,
};

const loanOffer: LoanOffer = {
  id: loanOfferId,
  object: 'loan_offer',
  applicationId: loanApplicationId,
  customerId,
  principal: ngn(50_000_000),
  annualInterestRateBps: 2500,
  termMonths: 12,
  amortization: 'equal_installments',
  originationFee: ngn(500_000),
  installmentAmount: ngn(4_752_000),
  totalRepayable: ngn(57_024_000),
  status: 'accepted',
  expiresAt: '2026-12-08T10:00:00.000Z',
  loanId,
  livemode: false,
  createdAt: at,
  updatedAt: at,
};

const repayment: Repayment = {
  id: generateId('repayment'),
  object: 'repayment',
  loanId,
  amount: ngn(4_752_000),
  source: 'mandate',
  mandateId,
  status: 'succeeded',
  allocation: { fees: ngn(0), interest: ngn(1_041_667), principal: ngn(3_710_333) },
  failureCode: null,
  failureMessage: null,
  livemode: false,
  createdAt: at,
  updatedAt: at,
};

const upcomingRepayment: UpcomingRepayment = {
  object: 'upcoming_repayment',
  loanId,
  customerId,
  installmentNumber: 2,
  dueDate: '2027-02-01',
  amountDue: ngn(4_752_000),
  mandateId,
  livemode: false,
};

const mandate: Mandate = {
  id: mandateId,
  object: 'mandate',
  customerId,
  status: 'active',
  bankAccount: { bankCode: '058', last4: '6789', accountName: 'Ada Stores Ltd' },
  currency: 'NGN',
  failureCode: null,
  failureMessage: null,
  livemode: false,
  createdAt: at,
  updatedAt: at,
};

const creditAssessment: CreditAssessment = {
  id: generateId('creditAssessment'),
  object: 'credit_assessment',
  customerId,
  status: 'completed',
  score: 712,
  category: 'good',
  breakdown: [{ factor: 'income_stability', points: 120, detail: 'Regular monthly inflows' }],
  rowsAccepted: 240,
  errors: [],
  livemode: false,
  createdAt: at,
  updatedAt: at,
};

/** A credit assessment just created from an uploaded transaction history: not scored yet. */
const pendingAssessment: CreditAssessment = {
  ...creditAssessment,
  id: generateId('creditAssessment'),
  status: 'pending',
  score: null,
  category: null,
  breakdown: [],
};

/**
 * A valid `data.object` for each resource that events carry, keyed by the full type where the
 * object differs from its prefix's (a reminder is not a repayment), else by the type's prefix.
 */
/** A webhook endpoint as `webhook_endpoint.disabled` carries it: never with its secret. */
const webhookEndpoint = {
  id: generateId('webhookEndpoint'),
  object: 'webhook_endpoint',
  url: 'https://example.com/hooks',
  enabledEvents: ['loan.*'],
  description: null,
  status: 'disabled',
  disabledReason: 'failing',
  throttleRate: null,
  previousSecretExpiresAt: null,
  metadata: {},
  livemode: false,
  createdAt: at,
  updatedAt: at,
};

const objects: Record<string, unknown> = {
  webhook_endpoint: webhookEndpoint,
  withdrawal,
  bank_account: bankAccount,
  api_key: apiKey,
  account,
  loan_application: loanApplication,
  loan_offer: loanOffer,
  loan,
  repayment,
  'repayment.upcoming': upcomingRepayment,
  mandate,
  transaction_history: pendingAssessment,
  credit_assessment: creditAssessment,
};

/** The sample object of an event type: by full type first, then by prefix. */
function objectFor(type: string): unknown {
  return objects[type] ?? objects[type.split('.')[0] as string];
}

/**
 * An object that is not valid for a type's schema: another resource. Close relatives where there is
 * one (a repayment is not an upcoming repayment, an offer is not a loan), so the check is not only
 * on the `object` literal's neighbourhood by accident.
 */
function wrongObjectFor(type: string): unknown {
  if (type.startsWith('withdrawal.')) return bankAccount;
  if (type === 'repayment.upcoming') return repayment;
  if (type.startsWith('repayment.')) return upcomingRepayment;
  if (type.startsWith('loan.')) return loanOffer;
  if (type.startsWith('loan_offer.')) return loan;
  if (type.startsWith('loan_application.')) return loanOffer;
  if (type.startsWith('transaction_history.') || type.startsWith('credit_assessment.')) return loanApplication;
  return withdrawal;
}

function sampleEvent(type: string, object: unknown = objectFor(type)) {
  return {
    id: generateId('event'),
    object: 'event',
    type,
    createdAt: at,
    livemode: false,
    account: accountId,
    apiVersion: API_VERSION,
    data: { object },
    request: { id: 'req_abc', idempotencyKey: null },
  };
}

describe('EventSchema', () => {
  it.each(EVENT_TYPE_NAMES)('parses a valid %s event', (type) => {
    const sample = sampleEvent(type);
    const parsed = EventSchema.parse(sample);
    expect(parsed.type).toBe(type);
    expect(parsed).toEqual(sample);
  });

  it('has a sample object for every event type, so the test above covers the whole catalogue', () => {
    for (const type of EVENT_TYPE_NAMES) expect(objectFor(type), type).toBeDefined();
  });

  it('carries a pending credit assessment on transaction_history.uploaded, and a reminder on repayment.upcoming', () => {
    const uploaded = EventSchema.parse(sampleEvent('transaction_history.uploaded'));
    expect(uploaded.data.object).toMatchObject({ object: 'credit_assessment', status: 'pending', score: null });
    const upcoming = EventSchema.parse(sampleEvent('repayment.upcoming'));
    expect(upcoming.data.object).toEqual(upcomingRepayment);
    expect(upcoming.data.object).not.toHaveProperty('id');
  });

  it.each(EVENT_TYPE_NAMES)('refuses a %s event whose data.object is another resource', (type) => {
    const wrong = wrongObjectFor(type);
    const result = EventSchema.safeParse(sampleEvent(type, wrong));
    expect(result.success).toBe(false);
    expect(result.error?.issues.some((i) => i.path[0] === 'data' && i.path[1] === 'object')).toBe(true);
  });

  it('refuses an event type that is not in the catalogue', () => {
    const result = EventSchema.safeParse(sampleEvent('withdrawal.exploded', withdrawal));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['type']);
  });

  it('accepts a partial previousAttributes of the same resource and refuses a wrongly typed one', () => {
    const changed = {
      ...sampleEvent('withdrawal.failed'),
      data: { object: withdrawal, previousAttributes: { status: 'processing' } },
    };
    expect(EventSchema.parse(changed).data.previousAttributes).toEqual({ status: 'processing' });

    const bad = { ...changed, data: { object: withdrawal, previousAttributes: { status: 'exploded' } } };
    const result = EventSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['data', 'previousAttributes', 'status']);
  });

  it('accepts a null request (caused by a worker or the clock) and refuses a missing one', () => {
    expect(EventSchema.safeParse({ ...sampleEvent('withdrawal.succeeded'), request: null }).success).toBe(true);
    const { request: _request, ...withoutRequest } = sampleEvent('withdrawal.succeeded');
    expect(EventSchema.safeParse(withoutRequest).success).toBe(false);
  });

  it('refuses an event whose account is not an acct_ id', () => {
    const result = EventSchema.safeParse({ ...sampleEvent('account.suspended'), account: generateId('customer') });
    expect(result.error?.issues[0]?.path).toEqual(['account']);
  });

  it('never lets an API key secret through an api_key event', () => {
    const leaked = sampleEvent('api_key.created', { ...apiKey, secret: 'lw_test_notarealsecret' });
    const parsed = EventSchema.parse(leaked);
    expect(parsed.data.object).not.toHaveProperty('secret');
  });

  it('narrows data.object on type', () => {
    /** What an integrator writes: a switch on `type`, each branch typed by its resource. */
    function referenceOf(event: LendwireEvent): string {
      switch (event.type) {
        case 'withdrawal.created':
          expectTypeOf(event.data.object).toEqualTypeOf<Withdrawal>();
          expectTypeOf(event.data.previousAttributes).toEqualTypeOf<Partial<Withdrawal> | undefined>();
          return event.data.object.bankAccountId;
        case 'api_key.revoked':
          expectTypeOf(event.data.object).toEqualTypeOf<ApiKey>();
          // @ts-expect-error an API key has no bankAccountId: the union is discriminated, not merged
          void event.data.object.bankAccountId;
          return event.data.object.start;
        case 'repayment.upcoming':
          // A reminder is about an installment, not a resource of its own: it names the loan.
          return event.data.object.loanId;
        default:
          return event.data.object.id;
      }
    }
    expect(referenceOf(EventSchema.parse(sampleEvent('withdrawal.created')))).toBe(withdrawal.bankAccountId);
    expect(referenceOf(EventSchema.parse(sampleEvent('api_key.revoked')))).toBe(apiKey.start);
    expect(referenceOf(EventSchema.parse(sampleEvent('bank_account.added')))).toBe(bankAccount.id);
    expect(referenceOf(EventSchema.parse(sampleEvent('repayment.upcoming')))).toBe(loanId);
    expect(referenceOf(EventSchema.parse(sampleEvent('loan.disbursed')))).toBe(loanId);

    expectTypeOf<EventOf<'bank_account.removed'>['data']['object']>().toEqualTypeOf<BankAccount>();
    expectTypeOf<EventOf<'account.suspended'>['data']['object']>().toEqualTypeOf<Account>();
    expectTypeOf<EventOf<'repayment.upcoming'>['data']['object']>().toEqualTypeOf<UpcomingRepayment>();
    expectTypeOf<EventOf<'repayment.succeeded'>['data']['object']>().toEqualTypeOf<Repayment>();
    expectTypeOf<EventOf<'transaction_history.uploaded'>['data']['object']>().toEqualTypeOf<CreditAssessment>();
    expectTypeOf<EventOf<'loan_offer.accepted'>['data']['object']>().toEqualTypeOf<LoanOffer>();
    expectTypeOf<LendwireEvent['type']>().toEqualTypeOf<EventType>();
  });

  it('converts to JSON Schema with one component per event type (no duplicate ids)', () => {
    const schema = z.toJSONSchema(EventSchema) as { $defs: Record<string, unknown> };
    expect(schema.$defs).toHaveProperty('WithdrawalCreatedEvent');
    expect(schema.$defs).toHaveProperty('BankAccountAddedEvent');
    expect(schema.$defs).toHaveProperty('ApiKeyRotatedEvent');
    expect(schema.$defs).toHaveProperty('AccountUnsuspendedEvent');
    expect(schema.$defs).toHaveProperty('LoanApplicationSubmittedEvent');
    expect(schema.$defs).toHaveProperty('RepaymentUpcomingEvent');
    expect(schema.$defs).toHaveProperty('TransactionHistoryUploadedEvent');
    const members = Object.keys(schema.$defs).filter((id) => id !== 'Event' && id.endsWith('Event'));
    expect(members).toHaveLength(EVENT_TYPE_NAMES.length);
  });
});

describe('EventTypeSchema', () => {
  it('lists exactly the catalogue keys', () => {
    expect(EventTypeSchema.options).toEqual(Object.keys(EVENT_TYPES));
    expect(EventTypeSchema.safeParse('loan.disbursed').success).toBe(true);
    expect(EventTypeSchema.safeParse('loan.exploded').success).toBe(false);
    expect(EventTypeSchema.safeParse('loan').success).toBe(false);
  });
});

describe('eventTypeMatches', () => {
  it.each([
    ['*', 'withdrawal.created', true],
    ['*', 'account.suspended', true],
    ['withdrawal.created', 'withdrawal.created', true],
    ['withdrawal.created', 'withdrawal.failed', false],
    ['withdrawal.*', 'withdrawal.created', true],
    ['withdrawal.*', 'withdrawal.failed', true],
    ['withdrawal.*', 'bank_account.added', false],
    ['withdrawal.*', 'withdrawal', false],
    ['withdrawal.*', 'withdrawal.', false],
    ['loan.*', 'loan_application.submitted', false],
    ['loan_application.*', 'loan_application.submitted', true],
    ['account.*', 'api_key.created', false],
    ['withdrawal', 'withdrawal.created', false],
    ['withdrawal.created.*', 'withdrawal.created', false],
    ['*.created', 'withdrawal.created', false],
  ] as const)('%s matches %s: %s', (pattern, type, expected) => {
    expect(eventTypeMatches(pattern, type)).toBe(expected);
  });
});

describe('EventListQuerySchema', () => {
  it.each(['*', 'withdrawal.created', 'withdrawal.*', 'loan_application.*', 'credit_assessment.completed'])(
    'accepts type=%s',
    (type) => {
      expect(EventListQuerySchema.parse({ type })).toEqual({ type, limit: 20 });
    },
  );

  it.each(['withdrawal', 'Withdrawal.created', '*.created', 'withdrawal.created.x', 'withdrawal.*.*', 'loan-x.*', ''])(
    'refuses type=%j, naming the field and the accepted forms',
    (type) => {
      const result = EventListQuerySchema.safeParse({ type });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['type']);
      expect(result.error?.issues[0]?.message).toBe(
        'must be an event type such as withdrawal.created, or prefix.* such as withdrawal.*',
      );
    },
  );

  it('refuses a type filter over 100 characters', () => {
    const result = EventListQuerySchema.safeParse({ type: `${'a'.repeat(100)}.*` });
    expect(result.error?.issues[0]?.path).toEqual(['type']);
  });

  it('keeps the list parameters', () => {
    expect(EventListQuerySchema.parse({ limit: '5' })).toEqual({ limit: 5 });
    expect(EventListQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
  });
});

/** The root object schema of a JSON Schema document, following a top-level `$ref` into `$defs`. */
function rootObject(schema: Record<string, unknown>): {
  properties: Record<string, unknown>;
  additionalProperties?: unknown;
} {
  const ref = schema.$ref as string | undefined;
  const defs = schema.$defs as Record<string, unknown> | undefined;
  return (ref && defs ? defs[ref.replace('#/$defs/', '')] : schema) as {
    properties: Record<string, unknown>;
  };
}

describe('eventTypeCatalog', () => {
  const catalog = eventTypeCatalog();

  it('has one entry per event type, in catalogue order, each a valid EventTypeInfo', () => {
    expect(catalog.map((e) => e.type)).toEqual(EVENT_TYPE_NAMES);
    for (const entry of catalog) {
      expect(EventTypeInfoSchema.parse(entry)).toEqual(entry);
      expect(entry.description).toBe(EVENT_TYPES[entry.type].description);
    }
  });

  it('gives each type the JSON Schema of its data.object', () => {
    const byType = Object.fromEntries(catalog.map((e) => [e.type, rootObject(e.schema)]));
    expect(byType['withdrawal.created']?.properties).toHaveProperty('bankAccountId');
    expect(byType['withdrawal.created']?.properties).toHaveProperty('fee');
    expect(byType['bank_account.added']?.properties).toHaveProperty('last4');
    expect(byType['bank_account.added']?.properties).not.toHaveProperty('accountNumber');
    expect(byType['api_key.created']?.properties).toHaveProperty('scopes');
    expect(byType['api_key.created']?.properties).not.toHaveProperty('secret');
    expect(byType['account.suspended']?.properties).toHaveProperty('status');
    expect(byType['loan.disbursed']?.properties).toHaveProperty('outstanding');
    expect(byType['mandate.activated']?.properties).toHaveProperty('bankAccount.properties.last4');
    expect(byType['mandate.activated']?.properties).not.toHaveProperty('bankAccount.properties.accountNumber');
    for (const entry of catalog) {
      expect(entry.schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      const properties = rootObject(entry.schema).properties;
      if (entry.type === 'repayment.upcoming') {
        // A reminder is about an installment, not a resource of its own: no id, it names the loan.
        expect(properties, entry.type).not.toHaveProperty('id');
        expect(properties, entry.type).toHaveProperty('loanId');
        expect(properties, entry.type).toHaveProperty('installmentNumber');
      } else {
        expect(properties, entry.type).toHaveProperty('id');
      }
    }
  });

  it('leaves objects open, so adding a field to a resource does not break validating consumers', () => {
    for (const entry of catalog) expect(JSON.stringify(entry.schema)).not.toContain('"additionalProperties":false');
  });

  it('is computed once', () => {
    expect(eventTypeCatalog()).toBe(catalog);
  });
});
