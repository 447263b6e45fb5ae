import type { NotificationTypeName } from '@lendwire/contract';
import type { TenantScope } from '../services/context.js';
import type { TemplateSource, TemplateVariables } from './templates.js';

/** The channels a notification can go out on. */
export const NOTIFICATION_CHANNELS = ['in_app', 'email', 'sms'] as const;
/** A notification channel. */
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
/** Who a notification is for: the partner account itself, or one of its customers. */
export type RecipientKind = 'account' | 'customer';

/** What a type's loader reads besides the event (bound to the notifier's transaction). */
export interface NotificationLoadDeps {
  scope: TenantScope;
  /** Facts recorded with the event for its notifications (see `events.record`'s `context`), or null. */
  context: Record<string, unknown> | null;
  loan(id: string): Promise<{
    customerId: string;
    outstanding: { total: { amount: number; currency: string } };
    nextDueDate: string | null;
    termMonths: number;
    principal: { amount: number; currency: string };
  } | null>;
  schedule(loanId: string): Promise<{ number: number; dueDate: string; total: { amount: number; currency: string } }[]>;
  bankAccount(id: string): Promise<{ last4: string; bankCode: string } | null>;
}

/** What a loader found: the customer concerned (if any) and the type's variables. */
export interface LoadedNotification {
  customerId: string | null;
  variables: TemplateVariables;
}

/** One notification type: who hears about it, on which channels, with which words. */
export interface NotificationTypeDefinition {
  /** What it tells, for the docs and `GET /v1/notification-preferences`. */
  readonly description: string;
  /** Channels on by default, per recipient kind; a kind absent here is not told. */
  readonly audience: Partial<Record<RecipientKind, readonly NotificationChannel[]>>;
  /** Security and account-status messages: cannot be turned off and are not held by quiet hours. */
  readonly required?: boolean;
  /**
   * The event is written in both modes (account status): each mode's inbox gets it, but e-mail and SMS
   * go out once, from the live-mode copy.
   */
  readonly sentFromLiveMode?: boolean;
  /** Variables from the event's object (and what it refers to). */
  load(object: Record<string, unknown>, deps: NotificationLoadDeps): Promise<LoadedNotification>;
  /** Variables of a typical event, for template validation and previews. */
  readonly sample: TemplateVariables;
  /** The built-in templates; the channels a type supports are the keys. */
  readonly templates: Partial<Record<NotificationChannel, TemplateSource>>;
}

type Obj = Record<string, unknown>;
const str = (o: Obj, k: string): string => String(o[k] ?? '');
const money = (o: Obj, k: string) => o[k] as { amount: number; currency: string };
const NGN = (amount: number) => ({ amount, currency: 'NGN' });

/** Wraps an e-mail's HTML body in the shared layout (built-in templates only). */
function layout(body: string): string {
  return `<!doctype html>
<html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#111;max-width:560px;margin:0 auto;padding:24px">
${body}
<p style="color:#666;font-size:12px;margin-top:32px">Sent by {{ account.name }} through Lendwire.</p>
</body></html>`;
}

/** An e-mail whose text and HTML say the same: paragraphs given once. */
function email(subject: string, paragraphs: string[]): TemplateSource {
  return {
    subject,
    text: `Hello {{ recipient.name }},\n\n${paragraphs.join('\n\n')}\n\n— {{ account.name }}`,
    html: layout(`<p>Hello {{ recipient.name }},</p>\n${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}`),
  };
}

const inApp = (title: string, body: string): TemplateSource => ({ subject: title, text: body, html: null });
const sms = (text: string): TemplateSource => ({ subject: null, text, html: null });

/** Customer of an object that names one. */
const customerOf = (o: Obj) => (typeof o.customerId === 'string' ? o.customerId : null);

const repaymentLoad = async (o: Obj, deps: NotificationLoadDeps): Promise<LoadedNotification> => {
  const loan = await deps.loan(str(o, 'loanId'));
  // The balance as the repayment left it (recorded with the event), not as it is when this runs.
  const then = (deps.context?.loan ?? null) as { outstanding: unknown; nextDueDate: string | null } | null;
  return {
    customerId: loan?.customerId ?? null,
    variables: {
      repayment: {
        id: o.id,
        amount: money(o, 'amount'),
        failureCode: o.failureCode ?? null,
        failureMessage: o.failureMessage ?? null,
      },
      loan: {
        id: o.loanId,
        outstanding: then?.outstanding ?? loan?.outstanding.total ?? money(o, 'amount'),
        nextDueDate: then ? then.nextDueDate : (loan?.nextDueDate ?? null),
      },
    },
  };
};

const withdrawalLoad = async (o: Obj, deps: NotificationLoadDeps): Promise<LoadedNotification> => {
  const bank = await deps.bankAccount(str(o, 'bankAccountId'));
  return {
    customerId: null,
    variables: {
      withdrawal: {
        id: o.id,
        amount: money(o, 'amount'),
        fee: money(o, 'fee'),
        reference: o.reference,
        failureCode: o.failureCode ?? null,
        failureMessage: o.failureMessage ?? null,
      },
      bankAccount: { last4: bank?.last4 ?? '····', bankCode: bank?.bankCode ?? '' },
    },
  };
};

const WITHDRAWAL_SAMPLE = {
  withdrawal: {
    id: 'wd_sample',
    amount: NGN(5_000_000),
    fee: NGN(13_500),
    reference: 'LW-PAYOUT-SAMPLE',
    failureCode: 'account_closed',
    failureMessage: 'The bank account is closed',
  },
  bankAccount: { last4: '6789', bankCode: '058' },
};

const REPAYMENT_SAMPLE = {
  repayment: {
    id: 'rpy_sample',
    amount: NGN(1_785_258),
    failureCode: 'insufficient_funds',
    failureMessage: 'The account had insufficient funds',
  },
  loan: { id: 'loan_sample', outstanding: NGN(8_926_292), nextDueDate: '2027-02-01' },
};

const APPLICATION_SAMPLE = {
  application: {
    id: 'lap_sample',
    amount: NGN(10_000_000),
    termMonths: 6,
    rejectionReason: 'Monthly income too low for the amount requested',
  },
};

const OFFER_SAMPLE = {
  offer: {
    id: 'lof_sample',
    principal: NGN(10_000_000),
    installmentAmount: NGN(1_785_258),
    totalRepayable: NGN(10_711_550),
    termMonths: 6,
    annualInterestRatePercent: '24.00',
    expiresAt: '2027-01-08T00:00:00.000Z',
  },
};

const offerLoad = async (o: Obj): Promise<LoadedNotification> => ({
  customerId: customerOf(o),
  variables: {
    offer: {
      id: o.id,
      principal: money(o, 'principal'),
      installmentAmount: money(o, 'installmentAmount'),
      totalRepayable: money(o, 'totalRepayable'),
      termMonths: o.termMonths,
      annualInterestRatePercent: (Number(o.annualInterestRateBps ?? 0) / 100).toFixed(2),
      expiresAt: o.expiresAt,
    },
  },
});

const ASSESSMENT_SAMPLE = {
  assessment: {
    id: 'ca_sample',
    score: 673,
    category: 'good',
    rowsAccepted: 180,
    summary: 'income regularity +120, balance trend +45, overdrafts -20',
  },
};

const assessmentLoad = async (o: Obj): Promise<LoadedNotification> => {
  const breakdown = Array.isArray(o.breakdown) ? (o.breakdown as { factor: string; points: number }[]) : [];
  return {
    customerId: customerOf(o),
    variables: {
      assessment: {
        id: o.id,
        score: o.score ?? null,
        category: o.category ?? null,
        rowsAccepted: o.rowsAccepted ?? 0,
        summary: breakdown
          .slice(0, 5)
          .map((b) => `${b.factor.replace(/_/g, ' ')} ${b.points >= 0 ? '+' : ''}${b.points}`)
          .join(', '),
      },
    },
  };
};

const accountLoad = async (o: Obj): Promise<LoadedNotification> => ({
  customerId: null,
  variables: { subject: { name: o.name, status: o.status } },
});

const apiKeyLoad = async (o: Obj): Promise<LoadedNotification> => ({
  customerId: null,
  variables: {
    apiKey: {
      id: o.id,
      name: o.name,
      start: o.start,
      livemode: o.livemode,
      expiresAt: o.expiresAt ?? null,
      previousSecretExpiresAt: o.previousSecretExpiresAt ?? null,
    },
  },
});

const API_KEY_SAMPLE = {
  apiKey: {
    id: 'key_sample',
    name: 'Production server',
    start: 'lw_live_AbCd',
    livemode: true,
    expiresAt: '2027-01-08T00:00:00.000Z',
    previousSecretExpiresAt: '2027-01-02T00:00:00.000Z',
  },
};

/**
 * Every notification, by type (the event type that causes it; `api_key.expiring` is raised by the
 * notifier itself, 7 days before a key's `expiresAt`). DESIGN §4: every event a person should hear
 * about has a notification. Documented in docs/notifications.md (a test keeps the two in step).
 */
export const NOTIFICATION_TYPES = {
  'loan_application.rejected': {
    description: 'A loan application was rejected: the reason and what to do next.',
    audience: { customer: ['in_app', 'email'], account: ['in_app', 'email'] },
    load: async (o) => ({
      customerId: customerOf(o),
      variables: {
        application: {
          id: o.id,
          amount: money(o, 'amount'),
          termMonths: o.termMonths,
          rejectionReason: o.rejectionReason ?? 'not given',
        },
      },
    }),
    sample: APPLICATION_SAMPLE,
    templates: {
      in_app: inApp(
        'Loan application rejected',
        'The application {{ application.id }} for {{ application.amount | money }} was rejected: {{ application.rejectionReason }}.',
      ),
      email: email(
        '{% if recipient.kind == "customer" %}Your loan application{% else %}Loan application {{ application.id }}{% endif %} for {{ application.amount | money }} was not approved',
        [
          'The loan application {{ application.id }} for {{ application.amount | money }} over {{ application.termMonths }} months was not approved.',
          'Reason: {{ application.rejectionReason }}.',
          '{% if recipient.kind == "customer" %}Next steps: you may apply again once the reason above no longer applies, for example for a smaller amount or a shorter term. Questions? Reply to {{ account.contactEmail }}.{% else %}Next steps: the customer has been told, with the reason, on the channels they chose; they may apply again once it no longer applies.{% endif %}',
        ],
      ),
    },
  },
  'loan_offer.created': {
    description: 'A loan offer was made: amount, installment, total repayable and expiry.',
    audience: { customer: ['in_app'], account: ['in_app'] },
    load: offerLoad,
    sample: OFFER_SAMPLE,
    templates: {
      in_app: inApp(
        'Loan offer of {{ offer.principal | money }}',
        '{{ offer.termMonths }} monthly installments of {{ offer.installmentAmount | money }} at {{ offer.annualInterestRatePercent }} % a year; {{ offer.totalRepayable | money }} in all. Open until {{ offer.expiresAt | date_long }}.',
      ),
      email: email('A loan offer of {{ offer.principal | money }} is waiting for you', [
        'Offer {{ offer.id }}: {{ offer.principal | money }} over {{ offer.termMonths }} months at {{ offer.annualInterestRatePercent }} % a year.',
        'Each installment is {{ offer.installmentAmount | money }}; {{ offer.totalRepayable | money }} in all.',
        'The offer is open until {{ offer.expiresAt | date_long }}.',
      ]),
    },
  },
  'loan_offer.accepted': {
    description: 'A loan offer was accepted; the loan waits for disbursement.',
    audience: { customer: ['in_app'], account: ['in_app'] },
    load: offerLoad,
    sample: OFFER_SAMPLE,
    templates: {
      in_app: inApp(
        'Loan offer accepted',
        'The offer {{ offer.id }} of {{ offer.principal | money }} was accepted; the loan will be disbursed shortly.',
      ),
    },
  },
  'loan_offer.declined': {
    description: 'A loan offer was declined.',
    audience: { customer: ['in_app'], account: ['in_app'] },
    load: offerLoad,
    sample: OFFER_SAMPLE,
    templates: {
      in_app: inApp('Loan offer declined', 'The offer {{ offer.id }} of {{ offer.principal | money }} was declined.'),
    },
  },
  'loan_offer.expired': {
    description: 'A loan offer lapsed unaccepted.',
    audience: { customer: ['in_app'], account: ['in_app'] },
    load: offerLoad,
    sample: OFFER_SAMPLE,
    templates: {
      in_app: inApp(
        'Loan offer expired',
        'The offer {{ offer.id }} of {{ offer.principal | money }} expired on {{ offer.expiresAt | date_long }}.',
      ),
    },
  },
  'loan.disbursed': {
    description: 'A loan was paid out: amount, date and a summary of the schedule.',
    audience: { customer: ['in_app', 'email'], account: ['in_app'] },
    load: async (o, deps) => {
      const schedule = await deps.schedule(str(o, 'id'));
      const first = schedule[0];
      const last = schedule[schedule.length - 1];
      return {
        customerId: customerOf(o),
        variables: {
          loan: {
            id: o.id,
            principal: money(o, 'principal'),
            disbursedAt: o.disbursedAt,
            termMonths: o.termMonths,
            outstanding: (o.outstanding as { total: unknown } | undefined)?.total ?? money(o, 'principal'),
            firstDueDate: first?.dueDate ?? null,
            lastDueDate: last?.dueDate ?? null,
            installmentAmount: first?.total ?? money(o, 'principal'),
            installments: schedule.length,
          },
        },
      };
    },
    sample: {
      loan: {
        id: 'loan_sample',
        principal: NGN(10_000_000),
        disbursedAt: '2026-12-01T09:00:00.000Z',
        termMonths: 6,
        outstanding: NGN(10_711_550),
        firstDueDate: '2027-01-01',
        lastDueDate: '2027-06-01',
        installmentAmount: NGN(1_785_258),
        installments: 6,
      },
    },
    templates: {
      in_app: inApp(
        'Loan disbursed: {{ loan.principal | money }}',
        'The loan {{ loan.id }} was disbursed on {{ loan.disbursedAt | date_long }}. {{ loan.installments }} installments of {{ loan.installmentAmount | money }} from {{ loan.firstDueDate | date_long }}.',
      ),
      email: email('Your loan of {{ loan.principal | money }} has been disbursed', [
        'The loan {{ loan.id }} of {{ loan.principal | money }} was disbursed on {{ loan.disbursedAt | date_long }}.',
        'Schedule: {{ loan.installments }} monthly installments of about {{ loan.installmentAmount | money }}, the first due {{ loan.firstDueDate | date_long }} and the last {{ loan.lastDueDate | date_long }}; {{ loan.outstanding | money }} to repay in all.',
      ]),
    },
  },
  'repayment.upcoming': {
    description: 'An installment falls due in 3 days: amount and date (e-mail and SMS reminder).',
    audience: { customer: ['in_app', 'email', 'sms'] },
    load: async (o) => ({
      customerId: customerOf(o),
      variables: {
        installment: {
          loanId: o.loanId,
          number: o.installmentNumber,
          dueDate: o.dueDate,
          amountDue: money(o, 'amountDue'),
          byMandate: o.mandateId !== null && o.mandateId !== undefined,
        },
      },
    }),
    sample: {
      installment: {
        loanId: 'loan_sample',
        number: 2,
        dueDate: '2027-02-01',
        amountDue: NGN(1_785_258),
        byMandate: true,
      },
    },
    templates: {
      in_app: inApp(
        'Repayment due {{ installment.dueDate | date_long }}',
        'Installment {{ installment.number }} of {{ installment.amountDue | money }} on loan {{ installment.loanId }} is due {{ installment.dueDate | date_long }}.',
      ),
      email: email('Reminder: {{ installment.amountDue | money }} due on {{ installment.dueDate | date_long }}', [
        'Installment {{ installment.number }} of your loan {{ installment.loanId }}, {{ installment.amountDue | money }}, is due on {{ installment.dueDate | date_long }}.',
        '{% if installment.byMandate %}It will be collected from your bank account by direct debit on that day: please make sure the funds are there.{% else %}Please pay it by then to avoid late fees.{% endif %}',
      ]),
      sms: sms(
        '{{ account.name }}: {{ installment.amountDue | money }} due {{ installment.dueDate | date_long }} on loan {{ installment.loanId }}.{% if installment.byMandate %} It will be debited from your account.{% endif %}',
      ),
    },
  },
  'repayment.succeeded': {
    description: 'A repayment went through: amount, remaining balance and next due date.',
    audience: { customer: ['in_app', 'email'], account: ['in_app'] },
    load: repaymentLoad,
    sample: REPAYMENT_SAMPLE,
    templates: {
      in_app: inApp(
        'Repayment received: {{ repayment.amount | money }}',
        '{{ repayment.amount | money }} was applied to loan {{ loan.id }}. Remaining balance: {{ loan.outstanding | money }}.{% if loan.nextDueDate %} Next due date: {{ loan.nextDueDate | date_long }}.{% endif %}',
      ),
      email: email('We received your repayment of {{ repayment.amount | money }}', [
        'Your repayment {{ repayment.id }} of {{ repayment.amount | money }} on loan {{ loan.id }} succeeded.',
        'Remaining balance: {{ loan.outstanding | money }}.',
        '{% if loan.nextDueDate %}Next due date: {{ loan.nextDueDate | date_long }}.{% else %}Nothing more is due: the loan is repaid.{% endif %}',
      ]),
    },
  },
  'repayment.failed': {
    description: 'A repayment failed: the reason and how it will be retried.',
    audience: { customer: ['in_app', 'email', 'sms'], account: ['in_app', 'email'] },
    load: repaymentLoad,
    sample: REPAYMENT_SAMPLE,
    templates: {
      in_app: inApp(
        'Repayment failed: {{ repayment.amount | money }}',
        'The repayment {{ repayment.id }} of {{ repayment.amount | money }} on loan {{ loan.id }} failed: {{ repayment.failureMessage }}.',
      ),
      email: email(
        '{% if recipient.kind == "customer" %}Your repayment{% else %}Repayment{% endif %} of {{ repayment.amount | money }} {% if recipient.kind != "customer" %}on loan {{ loan.id }} {% endif %}failed',
        [
          'The repayment {{ repayment.id }} of {{ repayment.amount | money }} on loan {{ loan.id }} failed: {{ repayment.failureMessage }} ({{ repayment.failureCode }}).',
          '{% if recipient.kind == "customer" %}What happens next: a direct debit is retried 1 and 3 days after the due date. Make sure the funds are in your account, or pay the installment directly to stop the retries.{% else %}What happens next: a direct debit is retried 1 and 3 days after the due date; the customer has been asked to fund their account or pay directly.{% endif %} Remaining balance: {{ loan.outstanding | money }}.',
        ],
      ),
      sms: sms(
        '{{ account.name }}: repayment of {{ repayment.amount | money }} on loan {{ loan.id }} failed ({{ repayment.failureMessage }}). We will retry; please fund your account.',
      ),
    },
  },
  'loan.overdue': {
    description: 'An installment is past due.',
    audience: { customer: ['in_app', 'email'], account: ['in_app'] },
    load: async (o) => ({
      customerId: customerOf(o),
      variables: {
        loan: {
          id: o.id,
          outstanding: (o.outstanding as { total?: unknown } | undefined)?.total ?? money(o, 'principal'),
          daysPastDue: o.daysPastDue ?? 0,
        },
      },
    }),
    sample: { loan: { id: 'loan_sample', outstanding: NGN(8_926_292), daysPastDue: 1 } },
    templates: {
      in_app: inApp(
        'Loan overdue',
        'The loan {{ loan.id }} is {{ loan.daysPastDue }} day(s) past due; {{ loan.outstanding | money }} outstanding.',
      ),
      email: email('Your loan payment is overdue', [
        'A payment on loan {{ loan.id }} is {{ loan.daysPastDue }} day(s) past due. {{ loan.outstanding | money }} is outstanding.',
        'Please pay as soon as you can to avoid further fees.',
      ]),
      sms: sms('{{ account.name }}: a payment on loan {{ loan.id }} is overdue. Please pay as soon as you can.'),
    },
  },
  'loan.paid_off': {
    description: 'A loan is fully repaid.',
    audience: { customer: ['in_app', 'email'], account: ['in_app'] },
    load: async (o) => ({
      customerId: customerOf(o),
      variables: { loan: { id: o.id, principal: money(o, 'principal') } },
    }),
    sample: { loan: { id: 'loan_sample', principal: NGN(10_000_000) } },
    templates: {
      in_app: inApp('Loan repaid', 'The loan {{ loan.id }} of {{ loan.principal | money }} is fully repaid.'),
      email: email('Your loan is fully repaid', [
        'The loan {{ loan.id }} of {{ loan.principal | money }} is fully repaid. Thank you!',
      ]),
    },
  },
  'mandate.failed': {
    description: 'A direct-debit mandate could not be set up.',
    audience: { customer: ['in_app'], account: ['in_app'] },
    load: async (o) => ({
      customerId: customerOf(o),
      variables: { mandate: { id: o.id, failureMessage: o.failureMessage ?? 'not given' } },
    }),
    sample: { mandate: { id: 'mdt_sample', failureMessage: 'The bank rejected the mandate' } },
    templates: {
      in_app: inApp('Direct debit not set up', 'The mandate {{ mandate.id }} failed: {{ mandate.failureMessage }}.'),
    },
  },
  'withdrawal.created': {
    description: 'A withdrawal was created; the funds are reserved.',
    audience: { account: ['in_app'] },
    load: withdrawalLoad,
    sample: WITHDRAWAL_SAMPLE,
    templates: {
      in_app: inApp(
        'Withdrawal of {{ withdrawal.amount | money }} started',
        '{{ withdrawal.amount | money }} (fee {{ withdrawal.fee | money }}) is on its way to the bank account ending {{ bankAccount.last4 }}.',
      ),
    },
  },
  'withdrawal.succeeded': {
    description: 'A withdrawal reached the bank: amount, account last 4 and reference.',
    audience: { account: ['in_app', 'email'] },
    load: withdrawalLoad,
    sample: WITHDRAWAL_SAMPLE,
    templates: {
      in_app: inApp(
        'Withdrawal of {{ withdrawal.amount | money }} paid',
        '{{ withdrawal.amount | money }} reached the bank account ending {{ bankAccount.last4 }} (reference {{ withdrawal.reference }}).',
      ),
      email: email('{{ withdrawal.amount | money }} sent to your bank account ending {{ bankAccount.last4 }}', [
        'The withdrawal {{ withdrawal.id }} of {{ withdrawal.amount | money }} reached the bank account ending {{ bankAccount.last4 }}.',
        'Bank reference: {{ withdrawal.reference }}. Fee: {{ withdrawal.fee | money }}.',
      ]),
    },
  },
  'withdrawal.failed': {
    description: 'A withdrawal failed: the reason and next steps; the funds are back in the wallet.',
    audience: { account: ['in_app', 'email'] },
    load: withdrawalLoad,
    sample: WITHDRAWAL_SAMPLE,
    templates: {
      in_app: inApp(
        'Withdrawal of {{ withdrawal.amount | money }} failed',
        'The payout to the bank account ending {{ bankAccount.last4 }} failed: {{ withdrawal.failureMessage }}. The amount and fee are back in your wallet.',
      ),
      email: email('Your withdrawal of {{ withdrawal.amount | money }} failed', [
        'The withdrawal {{ withdrawal.id }} of {{ withdrawal.amount | money }} to the bank account ending {{ bankAccount.last4 }} failed: {{ withdrawal.failureMessage }} ({{ withdrawal.failureCode }}).',
        'The amount and the fee of {{ withdrawal.fee | money }} are back in your wallet\u2019s available balance.',
        'Next steps: check the bank account{% if withdrawal.failureCode == "account_closed" %} (the bank says it is closed: add another one){% endif %}, then create a new withdrawal. Reference for your bank: {{ withdrawal.reference }}.',
      ]),
    },
  },
  'bank_account.added': {
    description: 'A bank account was added for withdrawals.',
    audience: { account: ['in_app'] },
    load: async (o) => ({
      customerId: null,
      variables: { bankAccount: { id: o.id, last4: o.last4, bankCode: o.bankCode, currency: o.currency } },
    }),
    sample: { bankAccount: { id: 'ba_sample', last4: '6789', bankCode: '058', currency: 'NGN' } },
    templates: {
      in_app: inApp(
        'Bank account added',
        'The {{ bankAccount.currency }} bank account ending {{ bankAccount.last4 }} (bank {{ bankAccount.bankCode }}) can now receive withdrawals.',
      ),
    },
  },
  'transaction_history.uploaded': {
    description: 'A transaction history was accepted for a credit assessment.',
    audience: { account: ['in_app'] },
    load: assessmentLoad,
    sample: ASSESSMENT_SAMPLE,
    templates: {
      in_app: inApp(
        'Transaction history uploaded',
        '{{ assessment.rowsAccepted }} transactions were accepted; the credit assessment {{ assessment.id }} is being scored.',
      ),
    },
  },
  'credit_assessment.completed': {
    description: 'A credit assessment finished: score, category and a summary.',
    audience: { account: ['in_app', 'email'] },
    load: assessmentLoad,
    sample: ASSESSMENT_SAMPLE,
    templates: {
      in_app: inApp(
        'Credit score {{ assessment.score }} ({{ assessment.category }})',
        'The credit assessment {{ assessment.id }} scored {{ assessment.score }} ({{ assessment.category }}): {{ assessment.summary }}.',
      ),
      email: email('Credit assessment complete: {{ assessment.score }} ({{ assessment.category }})', [
        'The credit assessment {{ assessment.id }} is complete: score {{ assessment.score }}, category {{ assessment.category }}.',
        'Summary: {{ assessment.summary }}.',
      ]),
    },
  },
  'account.suspended': {
    description: 'The account was suspended: its API keys are refused until it is reinstated.',
    audience: { account: ['in_app', 'email'] },
    required: true,
    sentFromLiveMode: true,
    load: accountLoad,
    sample: { subject: { name: 'Acme Lending', status: 'suspended' } },
    templates: {
      in_app: inApp(
        'Account suspended',
        'The account {{ subject.name }} is suspended: API requests are refused. Contact support to reinstate it.',
      ),
      email: email('Your Lendwire account {{ subject.name }} is suspended', [
        'The account {{ subject.name }} was suspended by the platform. Its API keys now get 403 account_suspended on every route but /v1/me.',
        'To find out why and have it reinstated, contact the platform operator.',
      ]),
    },
  },
  'account.unsuspended': {
    description: 'The account was reinstated; its API keys work again.',
    audience: { account: ['in_app', 'email'] },
    required: true,
    sentFromLiveMode: true,
    load: accountLoad,
    sample: { subject: { name: 'Acme Lending', status: 'active' } },
    templates: {
      in_app: inApp('Account reinstated', 'The account {{ subject.name }} is active again.'),
      email: email('Your Lendwire account {{ subject.name }} is active again', [
        'The account {{ subject.name }} was reinstated: its API keys work again.',
      ]),
    },
  },
  'api_key.rotated': {
    description: 'An API key got a new secret; the old one stops working at the end of the grace period.',
    audience: { account: ['in_app', 'email'] },
    required: true,
    load: apiKeyLoad,
    sample: API_KEY_SAMPLE,
    templates: {
      in_app: inApp(
        'API key rotated: {{ apiKey.name }}',
        'The key {{ apiKey.name }} ({{ apiKey.id }}) has a new secret starting {{ apiKey.start }}.{% if apiKey.previousSecretExpiresAt %} The old secret works until {{ apiKey.previousSecretExpiresAt | date_long }}.{% endif %}',
      ),
      email: email('API key {{ apiKey.name }} was rotated', [
        'The API key {{ apiKey.name }} ({{ apiKey.id }}) was given a new secret, starting {{ apiKey.start }}.',
        '{% if apiKey.previousSecretExpiresAt %}The old secret keeps working until {{ apiKey.previousSecretExpiresAt | date_long }}: deploy the new one before then.{% else %}The old secret stopped working at once.{% endif %}',
        'If you did not do this, revoke the key now and contact the platform.',
      ]),
    },
  },
  'api_key.expiring': {
    description: 'An API key expires within 7 days (raised by the notifier, once per key).',
    audience: { account: ['in_app', 'email'] },
    required: true,
    load: apiKeyLoad,
    sample: API_KEY_SAMPLE,
    templates: {
      in_app: inApp(
        'API key expiring: {{ apiKey.name }}',
        'The key {{ apiKey.name }} ({{ apiKey.id }}) expires on {{ apiKey.expiresAt | date_long }}.',
      ),
      email: email('API key {{ apiKey.name }} expires on {{ apiKey.expiresAt | date_long }}', [
        'The API key {{ apiKey.name }} ({{ apiKey.id }}, starting {{ apiKey.start }}) expires on {{ apiKey.expiresAt | date_long }}.',
        'Create a new key and deploy it before then, or requests made with this one will get 401.',
      ]),
    },
  },
  'webhook_endpoint.disabled': {
    description: 'A webhook endpoint was disabled (410 Gone, or 5 days of failures): how to recover.',
    audience: { account: ['in_app', 'email'] },
    load: async (o) => ({
      customerId: null,
      variables: {
        endpoint: {
          id: o.id,
          host: (() => {
            try {
              return new URL(str(o, 'url')).host;
            } catch {
              return '';
            }
          })(),
          disabledReason: o.disabledReason ?? 'failing',
        },
      },
    }),
    sample: { endpoint: { id: 'we_sample', host: 'hooks.example.com', disabledReason: 'failing' } },
    templates: {
      in_app: inApp(
        'Webhook endpoint disabled',
        'The endpoint {{ endpoint.id }} ({{ endpoint.host }}) was disabled: {% if endpoint.disabledReason == "gone" %}it answered 410 Gone{% else %}every delivery failed for 5 days{% endif %}.',
      ),
      email: email('Webhook endpoint {{ endpoint.host }} was disabled', [
        'The webhook endpoint {{ endpoint.id }} ({{ endpoint.host }}) was disabled: {% if endpoint.disabledReason == "gone" %}it answered 410 Gone{% else %}every delivery failed for 5 days{% endif %}.',
        'Events are kept. Fix the receiver, re-enable the endpoint (PATCH /v1/webhook-endpoints/{{ endpoint.id }} with status enabled), then POST /v1/webhook-endpoints/{{ endpoint.id }}/recover to send what it missed.',
      ]),
    },
  },
} satisfies Record<NotificationTypeName, NotificationTypeDefinition>;

/** A notification type name (an event type, or `api_key.expiring`). */
export type NotificationType = keyof typeof NOTIFICATION_TYPES;

/** The definition of `type`, or undefined when no one is told about it. */
export function notificationType(type: string): NotificationTypeDefinition | undefined {
  return (NOTIFICATION_TYPES as Record<string, NotificationTypeDefinition>)[type];
}

/** The channels `type` has templates for. */
export function channelsOf(type: string): NotificationChannel[] {
  const def = notificationType(type);
  return def ? NOTIFICATION_CHANNELS.filter((c) => def.templates[c] !== undefined) : [];
}

/** Variables every template sees besides its type's own. */
export const COMMON_SAMPLE = {
  recipient: { kind: 'customer', name: 'Ada Obi' },
  account: { name: 'Acme Lending', contactEmail: 'support@acme.example' },
  locale: 'en-NG',
};
