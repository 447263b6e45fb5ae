import { z } from 'zod';
import { boundedArray } from '../bounded.js';
import { idSchema } from '../ids.js';
import { CurrencySchema, MAX_REQUEST_AMOUNT, MoneySchema, PositiveAmountSchema } from '../money.js';
import { ListQuerySchema, listSchema } from '../pagination.js';
import { INSTALLMENT, LOAN, LOAN_APPLICATION, LOAN_OFFER, MANDATE, REPAYMENT } from '../state-machines.js';
import { MetadataSchema } from './account.js';
import { BANK_ACCOUNT_FIELDS } from './bank-account.js';

/** Longest loan term Lendwire accepts, in months (10 years). */
export const MAX_TERM_MONTHS = 120;
/** Highest annual interest rate an offer may carry, in basis points (100000 = 1000%). */
export const MAX_ANNUAL_INTEREST_RATE_BPS = 100_000;
/** Highest origination fee an offer may carry, in basis points of the principal (10000 = 100%). */
export const MAX_ORIGINATION_FEE_BPS = 10_000;
/** Most transactions one credit assessment request may carry inline. */
export const MAX_ASSESSMENT_TRANSACTIONS = 5000;
/** Longest `csv` a credit assessment request may carry, in characters (1 MiB). */
export const MAX_ASSESSMENT_CSV_LENGTH = 1_048_576;

const isoTimestamp = () => z.string().meta({ description: 'ISO 8601 UTC' });

/**
 * Money in a request body that must be more than zero: `{ amount, currency }` with `amount` an
 * integer of minor units from 1 to 10^12. Unknown fields are refused.
 */
export const PositiveMoneySchema = z
  .object({
    amount: PositiveAmountSchema,
    currency: CurrencySchema,
  })
  .strict()
  .meta({ id: 'PositiveMoney', description: 'Money of at least 1 minor unit, in a request body' });
/** Money of at least 1 minor unit (request bodies). */
export type PositiveMoney = z.infer<typeof PositiveMoneySchema>;

/** A loan term in whole months, 1 to {@link MAX_TERM_MONTHS}. */
export const TermMonthsSchema = z
  .number({ error: 'must be a whole number of months' })
  .int('must be a whole number of months')
  .min(1, 'must be at least 1 month')
  .max(MAX_TERM_MONTHS, `must be at most ${MAX_TERM_MONTHS} months`)
  .meta({ description: `Term in months, 1 to ${MAX_TERM_MONTHS}`, example: 12 });

/**
 * How a loan is repaid: `equal_installments` (amortizing, every installment the same total, interest
 * on the declining balance) or `flat` (interest on the original principal, spread evenly).
 */
export const AmortizationSchema = z.enum(['equal_installments', 'flat']).meta({ id: 'Amortization' });
/** How a loan is repaid. */
export type Amortization = z.infer<typeof AmortizationSchema>;

/** A calendar date `YYYY-MM-DD` (no time, no zone). */
const calendarDate = () => z.iso.date({ error: 'must be a date as YYYY-MM-DD' });

// ---------------------------------------------------------------------------------------------
// Loan
// ---------------------------------------------------------------------------------------------

/** Loan status, from the LOAN machine: `pending_disbursement` → `active` → `paid_off` | `written_off`. */
export const LoanStatusSchema = z.enum(LOAN.states).meta({ id: 'LoanStatus' });
/** Loan status. */
export type LoanStatus = z.infer<typeof LoanStatusSchema>;

/** How late a loan is, by days past due of its oldest unpaid installment. */
export const DelinquencyBucketSchema = z
  .enum(['current', '1_30', '31_60', '61_90', '90_plus'])
  .meta({ id: 'DelinquencyBucket' });
/** How late a loan is. */
export type DelinquencyBucket = z.infer<typeof DelinquencyBucketSchema>;

/** What is still owed on a loan, by component; `total` is the sum of the other three. */
export const LoanOutstandingSchema = z
  .object({
    principal: MoneySchema,
    interest: MoneySchema,
    fees: MoneySchema,
    total: MoneySchema,
  })
  .meta({ id: 'LoanOutstanding' });
/** What is still owed on a loan. */
export type LoanOutstanding = z.infer<typeof LoanOutstandingSchema>;

/** A loan, created when an offer is accepted and funded by `POST /v1/loans/{id}/disburse`. */
export const LoanSchema = z
  .object({
    id: idSchema('loan'),
    object: z.literal('loan'),
    applicationId: idSchema('loanApplication'),
    offerId: idSchema('loanOffer'),
    customerId: idSchema('customer'),
    principal: MoneySchema,
    annualInterestRateBps: z.number().int().min(0).max(MAX_ANNUAL_INTEREST_RATE_BPS),
    termMonths: TermMonthsSchema,
    amortization: AmortizationSchema,
    originationFee: MoneySchema,
    status: LoanStatusSchema,
    disbursedAt: z.string().nullable().meta({ description: 'ISO 8601 UTC; null until disbursed' }),
    outstanding: LoanOutstandingSchema,
    nextDueDate: calendarDate().nullable().meta({ description: 'Due date of the next unpaid installment' }),
    daysPastDue: z.number().int().min(0).meta({ description: 'Days since the oldest unpaid due date; 0 if none' }),
    delinquencyBucket: DelinquencyBucketSchema,
    metadata: MetadataSchema,
    livemode: z.boolean(),
    createdAt: isoTimestamp(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Loan' });
/** A loan. */
export type Loan = z.infer<typeof LoanSchema>;

/** Installment status, from the INSTALLMENT machine. */
export const InstallmentStatusSchema = z.enum(INSTALLMENT.states).meta({ id: 'InstallmentStatus' });
/** Installment status. */
export type InstallmentStatus = z.infer<typeof InstallmentStatusSchema>;

/** One installment of a loan's schedule; `total = principal + interest + fees`, `paid` ≤ `total`. */
export const InstallmentSchema = z
  .object({
    number: z.number().int().min(1).meta({ description: '1-based position in the schedule' }),
    dueDate: calendarDate(),
    principal: MoneySchema,
    interest: MoneySchema,
    fees: MoneySchema,
    total: MoneySchema,
    paid: MoneySchema,
    status: InstallmentStatusSchema,
  })
  .meta({ id: 'Installment' });
/** One installment of a loan's schedule. */
export type Installment = z.infer<typeof InstallmentSchema>;

/** Response of `GET /v1/loans/{id}/schedule`: every installment in one page (`hasMore: false`). */
export const LoanScheduleSchema = listSchema(InstallmentSchema).meta({ id: 'LoanSchedule' });
/** A loan's repayment schedule. */
export type LoanSchedule = z.infer<typeof LoanScheduleSchema>;

// ---------------------------------------------------------------------------------------------
// Loan offer
// ---------------------------------------------------------------------------------------------

/** Loan offer status, from the LOAN_OFFER machine: `open` → `accepted` | `declined` | `expired`. */
export const LoanOfferStatusSchema = z.enum(LOAN_OFFER.states).meta({ id: 'LoanOfferStatus' });
/** Loan offer status. */
export type LoanOfferStatus = z.infer<typeof LoanOfferStatusSchema>;

/**
 * Terms offered to a customer when an application is approved. `POST /v1/loan-offers/{id}/accept`
 * returns it with `loanId` set and the new `loan` included.
 */
export const LoanOfferSchema = z
  .object({
    id: idSchema('loanOffer'),
    object: z.literal('loan_offer'),
    applicationId: idSchema('loanApplication'),
    customerId: idSchema('customer'),
    principal: MoneySchema,
    annualInterestRateBps: z.number().int().min(0).max(MAX_ANNUAL_INTEREST_RATE_BPS),
    termMonths: TermMonthsSchema,
    amortization: AmortizationSchema,
    originationFee: MoneySchema,
    installmentAmount: MoneySchema.meta({ description: 'Total of a regular installment' }),
    totalRepayable: MoneySchema.meta({ description: 'Sum of all installments (principal, interest and fees)' }),
    status: LoanOfferStatusSchema,
    expiresAt: z.string().meta({ description: 'ISO 8601 UTC; an open offer expires then' }),
    loanId: idSchema('loan').nullable(),
    loan: LoanSchema.optional().meta({ description: 'Included in the response of accept' }),
    livemode: z.boolean(),
    createdAt: isoTimestamp(),
    updatedAt: z.string(),
  })
  .meta({ id: 'LoanOffer' });
/** A loan offer. */
export type LoanOffer = z.infer<typeof LoanOfferSchema>;

// ---------------------------------------------------------------------------------------------
// Loan application
// ---------------------------------------------------------------------------------------------

/** Body of `POST /v1/loan-applications`. */
export const LoanApplicationCreateSchema = z
  .object({
    customerId: idSchema('customer'),
    amount: PositiveMoneySchema.meta({ description: 'Amount requested' }),
    termMonths: TermMonthsSchema,
    purpose: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(500, 'must be at most 500 characters')
      .meta({ description: 'What the loan is for', example: 'Inventory for the shop' }),
    metadata: MetadataSchema.default({}),
  })
  .strict()
  .meta({ id: 'LoanApplicationCreate' });
/** Parameters of `POST /v1/loan-applications`. */
export type LoanApplicationCreateParams = z.input<typeof LoanApplicationCreateSchema>;

/** Body of `POST /v1/loan-applications/{id}/approve`: the terms of the offer to make. */
export const LoanApplicationApproveSchema = z
  .object({
    offer: z
      .object({
        principal: PositiveMoneySchema,
        annualInterestRateBps: z
          .number()
          .int('must be a whole number of basis points')
          .min(0)
          .max(MAX_ANNUAL_INTEREST_RATE_BPS)
          .meta({ description: 'Annual rate in basis points (2500 = 25%)', example: 2500 }),
        termMonths: TermMonthsSchema,
        amortization: AmortizationSchema,
        originationFeeBps: z
          .number()
          .int('must be a whole number of basis points')
          .min(0)
          .max(MAX_ORIGINATION_FEE_BPS)
          .optional()
          .meta({ description: 'Fee in basis points of the principal; defaults to 0', example: 100 }),
        expiresAt: z.iso
          .datetime({ offset: true })
          .optional()
          .meta({ description: 'ISO 8601; when the offer lapses if not accepted' }),
      })
      .strict(),
  })
  .strict()
  .meta({ id: 'LoanApplicationApprove' });
/** Parameters of `POST /v1/loan-applications/{id}/approve`. */
export type LoanApplicationApproveParams = z.input<typeof LoanApplicationApproveSchema>;

/** Body of `POST /v1/loan-applications/{id}/reject`. */
export const LoanApplicationRejectSchema = z
  .object({
    reason: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(500, 'must be at most 500 characters')
      .meta({ description: 'Why the application was rejected; shown to the customer' }),
  })
  .strict()
  .meta({ id: 'LoanApplicationReject' });
/** Parameters of `POST /v1/loan-applications/{id}/reject`. */
export type LoanApplicationRejectParams = z.input<typeof LoanApplicationRejectSchema>;

/** Loan application status, from the LOAN_APPLICATION machine. */
export const LoanApplicationStatusSchema = z.enum(LOAN_APPLICATION.states).meta({ id: 'LoanApplicationStatus' });
/** Loan application status. */
export type LoanApplicationStatus = z.infer<typeof LoanApplicationStatusSchema>;

/** A customer's request for a loan. Approval creates a {@link LoanOfferSchema | loan offer}. */
export const LoanApplicationSchema = z
  .object({
    id: idSchema('loanApplication'),
    object: z.literal('loan_application'),
    customerId: idSchema('customer'),
    amount: MoneySchema,
    termMonths: TermMonthsSchema,
    purpose: z.string(),
    status: LoanApplicationStatusSchema,
    rejectionReason: z.string().nullable(),
    offerId: idSchema('loanOffer').nullable(),
    offer: LoanOfferSchema.optional().meta({ description: 'Included in the response of approve' }),
    metadata: MetadataSchema,
    livemode: z.boolean(),
    createdAt: isoTimestamp(),
    updatedAt: z.string(),
  })
  .meta({ id: 'LoanApplication' });
/** A loan application. */
export type LoanApplication = z.infer<typeof LoanApplicationSchema>;

// ---------------------------------------------------------------------------------------------
// Repayment
// ---------------------------------------------------------------------------------------------

/**
 * Body of `POST /v1/loans/{id}/repayments` (send an `Idempotency-Key`). As with withdrawals,
 * `amount` is a plain integer, not a Money object: the currency is the loan's. A `currency` given
 * anyway must equal it.
 */
export const RepaymentCreateSchema = z
  .object({
    amount: PositiveAmountSchema.meta({
      description: 'Integer amount in minor units of the loan\u2019s currency, 1 to 10^12',
      example: 150000,
    }),
    currency: CurrencySchema.optional().meta({
      description: 'Defaults to the loan\u2019s currency; if given, it must match it',
    }),
  })
  .strict()
  .meta({ id: 'RepaymentCreate' });
/** Parameters of `POST /v1/loans/{id}/repayments`. */
export type RepaymentCreateParams = z.input<typeof RepaymentCreateSchema>;

/** Repayment status, from the REPAYMENT machine: `pending` → `succeeded` | `failed`. */
export const RepaymentStatusSchema = z.enum(REPAYMENT.states).meta({ id: 'RepaymentStatus' });
/** Repayment status. */
export type RepaymentStatus = z.infer<typeof RepaymentStatusSchema>;

/** Where a repayment's money came from: a manual payment or a mandate collection. */
export const RepaymentSourceSchema = z.enum(['manual', 'mandate']).meta({ id: 'RepaymentSource' });
/** Where a repayment's money came from. */
export type RepaymentSource = z.infer<typeof RepaymentSourceSchema>;

/** A payment towards a loan, allocated to fees first, then interest, then principal. */
export const RepaymentSchema = z
  .object({
    id: idSchema('repayment'),
    object: z.literal('repayment'),
    loanId: idSchema('loan'),
    amount: MoneySchema,
    source: RepaymentSourceSchema,
    mandateId: idSchema('mandate').nullable().meta({ description: 'Set when `source` is `mandate`' }),
    status: RepaymentStatusSchema,
    allocation: z
      .object({ fees: MoneySchema, interest: MoneySchema, principal: MoneySchema })
      .meta({ description: 'How `amount` was applied; all zero until `succeeded`' }),
    failureCode: z.string().nullable().meta({ description: 'Set when `failed`, e.g. `insufficient_funds`' }),
    failureMessage: z.string().nullable(),
    livemode: z.boolean(),
    createdAt: isoTimestamp(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Repayment' });
/** A repayment of a loan. */
export type Repayment = z.infer<typeof RepaymentSchema>;

// ---------------------------------------------------------------------------------------------
// Mandate
// ---------------------------------------------------------------------------------------------

/** Body of `POST /v1/mandates`. The full account number is kept for collections but never returned. */
export const MandateCreateSchema = z
  .object({
    customerId: idSchema('customer'),
    ...BANK_ACCOUNT_FIELDS,
    currency: CurrencySchema.optional().meta({ description: 'Currency collected; defaults to NGN' }),
  })
  .strict()
  .meta({ id: 'MandateCreate' });
/** Parameters of `POST /v1/mandates`. */
export type MandateCreateParams = z.input<typeof MandateCreateSchema>;

/** Mandate status, from the MANDATE machine: `pending` → `active` | `failed`; `active` → `cancelled`. */
export const MandateStatusSchema = z.enum(MANDATE.states).meta({ id: 'MandateStatus' });
/** Mandate status. */
export type MandateStatus = z.infer<typeof MandateStatusSchema>;

/**
 * A direct-debit authority over a customer's bank account, used to collect installments.
 * Activation is asynchronous: the payment rail answers later.
 */
export const MandateSchema = z
  .object({
    id: idSchema('mandate'),
    object: z.literal('mandate'),
    customerId: idSchema('customer'),
    status: MandateStatusSchema,
    bankAccount: z
      .object({
        bankCode: z.string(),
        last4: z.string().meta({ description: 'Last four digits of the account number', example: '6789' }),
        accountName: z.string(),
      })
      .meta({ description: 'The debited account, without its full number' }),
    currency: CurrencySchema,
    failureCode: z.string().nullable().meta({ description: 'Set when `failed`, e.g. `mandate_rejected`' }),
    failureMessage: z.string().nullable(),
    livemode: z.boolean(),
    createdAt: isoTimestamp(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Mandate' });
/** A direct-debit mandate. */
export type Mandate = z.infer<typeof MandateSchema>;

// ---------------------------------------------------------------------------------------------
// Credit assessment
// ---------------------------------------------------------------------------------------------

/** One bank-statement line given inline to a credit assessment. */
export const AssessmentTransactionSchema = z
  .object({
    date: calendarDate(),
    amount: z
      .number({ error: 'must be an integer number of minor units' })
      .int('must be an integer number of minor units')
      .min(-MAX_REQUEST_AMOUNT)
      .max(MAX_REQUEST_AMOUNT)
      .meta({ description: 'Signed minor units: negative is money out', example: -250000 }),
    description: z.string().max(200, 'must be at most 200 characters'),
    balance: z
      .number()
      .int('must be an integer number of minor units')
      .min(-Number.MAX_SAFE_INTEGER)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .meta({ description: 'Balance after the line, in minor units' }),
  })
  .strict()
  .meta({ id: 'AssessmentTransaction' });
/** One bank-statement line for a credit assessment. */
export type AssessmentTransaction = z.infer<typeof AssessmentTransactionSchema>;

/**
 * Body of `POST /v1/credit-assessments`: exactly one of `transactions` (up to 5000 lines) or `csv`
 * (the same columns `date,amount,description,balance`, up to 1 MiB). Without `customerId` the
 * account itself is assessed.
 */
export const CreditAssessmentCreateSchema = z
  .object({
    customerId: idSchema('customer').optional(),
    transactions: boundedArray(AssessmentTransactionSchema, MAX_ASSESSMENT_TRANSACTIONS, 'transactions').optional(),
    csv: z
      .string()
      .max(MAX_ASSESSMENT_CSV_LENGTH, `must be at most ${MAX_ASSESSMENT_CSV_LENGTH} characters`)
      .optional()
      .meta({ description: 'CSV with a header row: date,amount,description,balance' }),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.transactions !== undefined && body.csv !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['csv'], message: 'give either transactions or csv, not both' });
    } else if (body.transactions === undefined && body.csv === undefined) {
      ctx.addIssue({ code: 'custom', path: ['transactions'], message: 'give either transactions or csv' });
    }
  })
  .meta({ id: 'CreditAssessmentCreate' });
/** Parameters of `POST /v1/credit-assessments`. */
export type CreditAssessmentCreateParams = z.input<typeof CreditAssessmentCreateSchema>;

/** Credit assessment status. */
export const CreditAssessmentStatusSchema = z
  .enum(['pending', 'completed', 'failed'])
  .meta({ id: 'CreditAssessmentStatus' });
/** Credit assessment status. */
export type CreditAssessmentStatus = z.infer<typeof CreditAssessmentStatusSchema>;

/** Band of a credit score. */
export const CreditCategorySchema = z
  .enum(['poor', 'fair', 'good', 'very_good', 'excellent'])
  .meta({ id: 'CreditCategory' });
/** Band of a credit score. */
export type CreditCategory = z.infer<typeof CreditCategorySchema>;

/** A score (300-850) computed from a customer's (or the account's) bank transactions. */
export const CreditAssessmentSchema = z
  .object({
    id: idSchema('creditAssessment'),
    object: z.literal('credit_assessment'),
    customerId: idSchema('customer').nullable().meta({ description: 'Null when the account itself was assessed' }),
    status: CreditAssessmentStatusSchema,
    score: z.number().int().min(300).max(850).nullable().meta({ description: '300-850; null unless `completed`' }),
    category: CreditCategorySchema.nullable(),
    breakdown: z
      .array(
        z.object({
          factor: z.string(),
          points: z.number().int(),
          detail: z.string(),
        }),
      )
      .meta({ description: 'How each factor contributed to the score' }),
    rowsAccepted: z.number().int().min(0),
    errors: z
      .array(z.object({ row: z.number().int().min(0), message: z.string() }))
      .meta({ description: 'Rows refused, by 1-based row number' }),
    livemode: z.boolean(),
    createdAt: isoTimestamp(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CreditAssessment' });
/** A credit assessment. */
export type CreditAssessment = z.infer<typeof CreditAssessmentSchema>;

// ---------------------------------------------------------------------------------------------
// Upcoming repayment (the object of `repayment.upcoming`)
// ---------------------------------------------------------------------------------------------

/**
 * A reminder that an installment falls due soon: the object of `repayment.upcoming`, sent three days
 * before each due date of an active loan while the installment is unpaid.
 */
export const UpcomingRepaymentSchema = z
  .object({
    object: z.literal('upcoming_repayment'),
    loanId: idSchema('loan'),
    customerId: idSchema('customer'),
    installmentNumber: z.number().int().min(1),
    dueDate: calendarDate(),
    amountDue: MoneySchema.meta({ description: 'What is still unpaid on the installment' }),
    mandateId: idSchema('mandate')
      .nullable()
      .meta({ description: 'The active mandate that will be debited on the due date; null if none' }),
    livemode: z.boolean(),
  })
  .meta({ id: 'UpcomingRepayment' });
/** A reminder of an installment falling due soon. */
export type UpcomingRepayment = z.infer<typeof UpcomingRepaymentSchema>;

// ---------------------------------------------------------------------------------------------
// List filters
// ---------------------------------------------------------------------------------------------

const customerFilter = () => idSchema('customer').optional().meta({ description: 'Only objects of this customer' });

/** Query of `GET /v1/loan-applications`. */
export const LoanApplicationListQuerySchema = ListQuerySchema.extend({
  customerId: customerFilter(),
  status: LoanApplicationStatusSchema.optional(),
});
/** Query of `GET /v1/loan-offers`. */
export const LoanOfferListQuerySchema = ListQuerySchema.extend({
  customerId: customerFilter(),
  status: LoanOfferStatusSchema.optional(),
});
/** Query of `GET /v1/loans`. */
export const LoanListQuerySchema = ListQuerySchema.extend({
  customerId: customerFilter(),
  status: LoanStatusSchema.optional(),
});
/** Query of `GET /v1/mandates` and `GET /v1/credit-assessments`. */
export const CustomerListQuerySchema = ListQuerySchema.extend({
  customerId: customerFilter(),
});
